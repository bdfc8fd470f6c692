"""Makes an API request with a valid ``Authorization: Bearer`` token run as the token's user.

So that every API endpoint, including those that only read ``request.user`` for visibility, sees who is asking.
Only API paths honour tokens: a token is for scripts, and must not open the site's HTML forms. The session is left
alone (no login()), and CSRF is untouched: API views are CSRF-exempt at the Django level and their auth classes
(wenku.accounts.auth) check CSRF only for session-authenticated requests.
"""

from __future__ import annotations

from django.urls import reverse

from wenku.accounts import tokens

TOKEN = "wenku_api_token"  # request attribute: the ApiToken the request authenticated with


class BearerTokenMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response
        self._api_prefix: str | None = None

    def __call__(self, request):
        raw = tokens.bearer(request)
        if raw is not None and request.path.startswith(self.api_prefix):
            token = tokens.find(raw)
            if token is not None:
                user = token.user
                setattr(request, TOKEN, token)
                request.user = user

                async def auser():
                    return user

                request.auser = auser
        return self.get_response(request)

    @property
    def api_prefix(self) -> str:
        if self._api_prefix is None:
            self._api_prefix = reverse("api:api-root")
        return self._api_prefix
