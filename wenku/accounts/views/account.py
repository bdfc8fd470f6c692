"""The reader's own pages: the account page, 我的收藏, 阅读记录, and the e-mail address for password resets."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from wenku.accounts.favorites import favorites_of
from wenku.accounts.forms import EmailForm, TokenForm
from wenku.accounts.models import ApiToken
from wenku.accounts.reading import history_of

ON_ACCOUNT_PAGE = 10  # favorites and history entries on the account page; the rest on their own pages


def account_context(request, **extra) -> dict:
    user = request.user
    return {
        "favorites": favorites_of(user)[:ON_ACCOUNT_PAGE],
        "favorite_total": favorites_of(user).count(),
        "history": history_of(user)[:ON_ACCOUNT_PAGE],
        "history_total": history_of(user).count(),
        "tokens": ApiToken.objects.filter(user=user),
        "token_form": TokenForm(),
        **extra,
    }


@login_required
def me(request):
    return render(request, "accounts/me.html", account_context(request))


@login_required
def favorite_list(request):
    page = _page(request, favorites_of(request.user))
    return render(request, "accounts/favorites.html", {"page_obj": page, "favorites": page.object_list})


@login_required
def history_list(request):
    page = _page(request, history_of(request.user))
    return render(request, "accounts/history.html", {"page_obj": page, "history": page.object_list})


@login_required
@require_http_methods(["GET", "POST"])
def email(request):
    form = EmailForm(request.POST or None, user=request.user, request=request)
    if request.method == "POST" and form.is_valid():
        request.user.email = form.cleaned_data["email"]
        request.user.save(update_fields=["email"])
        messages.success(request, _("Your e-mail address has been saved."))
        return redirect("accounts:me")
    return render(request, "accounts/email.html", {"form": form})


def _page(request, queryset):
    return Paginator(queryset, settings.WENKU_LIST_PAGE_SIZE).get_page(request.GET.get("page"))
