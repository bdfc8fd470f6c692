"""Authentication for API endpoints that need a user: a Bearer token, or the browser's session with CSRF.

Use ``api_auth`` as the ``auth=`` of an endpoint; ``request.auth`` is then the user. A token request never needs
a CSRF token (browsers do not attach Authorization headers by themselves); a session-authenticated write does.
"""

from __future__ import annotations

from functools import wraps

from django.conf import settings
from django.http import HttpResponse
from django.utils.cache import patch_vary_headers
from ninja.security import APIKeyCookie, HttpBearer

from wenku.accounts import tokens
from wenku.accounts.middleware import TOKEN


class BearerToken(HttpBearer):
    def authenticate(self, request, token: str):
        found = getattr(request, TOKEN, None) or tokens.find(token)
        if found is None:
            return None
        request.user = found.user  # as the middleware does; for when this runs without it
        return found.user


class SessionWithCsrf(APIKeyCookie):
    """Django's session, with CSRF checked on unsafe methods. No session cookie means no check: an anonymous
    request is answered 401, not 403."""

    param_name = settings.SESSION_COOKIE_NAME

    def _get_key(self, request):
        if not request.COOKIES.get(self.param_name):
            return None
        return super()._get_key(request)

    def authenticate(self, request, key):
        if key and getattr(request, TOKEN, None) is None and request.user.is_authenticated:
            return request.user
        return None


api_auth = [BearerToken(), SessionWithCsrf()]


def accepts_bearer_token(view):
    """For the few non-API URLs the API hands out (downloads): a valid ``Authorization: Bearer`` token makes the
    request its user's, as on the API; an invalid one is a 401, not a silent anonymous request. Without the
    header the session decides, as before. GET only (the views it wraps are), so CSRF does not come into it."""

    @wraps(view)
    def wrapped(request, *args, **kwargs):
        raw = tokens.bearer(request)
        if raw is not None:
            found = getattr(request, TOKEN, None) or tokens.find(raw)
            if found is None:
                refused = HttpResponse("无效的 API 令牌。\n", status=401, content_type="text/plain; charset=utf-8")
                refused["WWW-Authenticate"] = 'Bearer realm="wenku"'
                return refused
            setattr(request, TOKEN, found)
            request.user = found.user
        response = view(request, *args, **kwargs)
        patch_vary_headers(response, ["Authorization"])
        return response

    return wrapped
