"""Access rules of the uploads pages that Django does not ship."""

from __future__ import annotations

from functools import wraps

from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme


def staff_required(view):
    """Logged out: to the login page. Logged in but not staff: a 403 page in the site's style."""

    @wraps(view)
    @login_required
    def wrapper(request, *args, **kwargs):
        if not request.user.is_staff:
            return render(request, "uploads/staff_only.html", status=403)
        return view(request, *args, **kwargs)

    return wrapper


def safe_next(request, fallback: str) -> str:
    """The ``next`` address of a form when it is a path on this site, else the URL of the view named ``fallback``
    (a URL, never a name: redirect() would take a bare word like "foo" for a view name and fail)."""
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target.startswith("/") and url_has_allowed_host_and_scheme(target, {request.get_host()}, request.is_secure()):
        return target
    return reverse(fallback)
