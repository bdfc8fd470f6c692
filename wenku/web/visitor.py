"""Who is reading, for counting views: the user, or a first-party cookie, or (without cookies) IP and agent."""

from __future__ import annotations

import hashlib
import hmac

from django.conf import settings

COOKIE = "wk_visitor"
COOKIE_AGE = 365 * 24 * 3600


def visitor_key(request) -> tuple[str, str | None]:
    """(key, cookie value to set or None)."""
    if request.user.is_authenticated:
        return f"u:{request.user.pk}", None
    cookie = request.COOKIES.get(COOKIE, "")
    if 16 <= len(cookie) <= 40 and cookie.isalnum():
        return f"c:{cookie}", None
    # No cookie yet (a first visit, or a client that keeps none): derive the value from address and agent, so
    # a cookie-less client keeps the same key and the cookie, once kept, continues it without a double count.
    address = request.META.get("REMOTE_ADDR", "")
    agent = request.META.get("HTTP_USER_AGENT", "")[:200]
    value = hmac.new(settings.SECRET_KEY.encode(), f"{address}|{agent}".encode(), hashlib.sha256).hexdigest()[:32]
    return f"c:{value}", value
