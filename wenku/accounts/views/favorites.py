"""The 加入收藏 / 取消收藏 button of the reading page: a plain form POST that goes back where it came from."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from wenku.accounts import favorites
from wenku.library.models import Document


@login_required
@require_POST
def toggle(request, document_ref: str):
    document = get_object_or_404(Document.objects.openable_at(request.user, document_ref))
    if request.POST.get("action") == "remove":
        favorites.remove(request.user, document)
    else:
        favorites.add(request.user, document)
    back = request.POST.get("next", "")
    safe = url_has_allowed_host_and_scheme(back, {request.get_host()}, require_https=request.is_secure())
    return HttpResponseRedirect(back if safe and back else document.get_absolute_url())  # not redirect(): no URL names
