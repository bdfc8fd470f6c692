"""Creating and revoking personal API tokens on the account page."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from wenku.accounts import tokens
from wenku.accounts.forms import TokenForm
from wenku.accounts.models import ApiToken
from wenku.accounts.views.account import account_context


@never_cache
@login_required
@require_POST
def create(request):
    """Answers with the account page showing the new token, once: it is not stored, so there is no redirect."""
    form = TokenForm(request.POST)
    if not form.is_valid():
        return render(request, "accounts/me.html", account_context(request, token_form=form), status=400)
    if ApiToken.objects.filter(user=request.user).count() >= tokens.MAX_PER_USER:
        form.add_error(None, _("You have too many tokens; revoke one you no longer use first."))
        return render(request, "accounts/me.html", account_context(request, token_form=form), status=400)
    token, raw = tokens.create(request.user, form.cleaned_data["name"])
    return render(request, "accounts/me.html", account_context(request, new_token=raw, new_token_row=token))


@login_required
@require_POST
def revoke(request, token_id: int):
    token = get_object_or_404(ApiToken, pk=token_id, user=request.user)
    token.delete()
    messages.success(request, _("The token %(prefix)s… has been revoked.") % {"prefix": token.prefix})
    return redirect("accounts:me")
