"""Who is reading, for counting views: the user, or a cookie this site issued and signed, or (until a browser keeps
that cookie, or for clients that keep none) a key made from the address and the user agent.

A cookie the site did not sign is ignored, so a client cannot become a new visitor by inventing a new cookie for
each request. Every anonymous key starts with a hash of the address it was first issued to (the /64 network for
IPv6), which lets view_counter cap how many visitors one address brings to a document in a day: a script that
varies its user agent, or replays cookies it collected, still counts only that many times.
"""

from __future__ import annotations

import hashlib
import hmac
import ipaddress

from django.conf import settings
from django.core import signing

from wenku.library.view_counter import ADDRESS_CHARS, ANONYMOUS

COOKIE = "wk_visitor"
COOKIE_AGE = 365 * 24 * 3600
_KEY_CHARS = 32
_SALT = "wenku.web.visitor"


def visitor_key(request) -> tuple[str, str | None]:
    """(key, cookie value to set or None)."""
    if request.user.is_authenticated:
        return f"u:{request.user.pk}", None
    issued = _verified(request.COOKIES.get(COOKIE, ""))
    if issued is not None:
        return ANONYMOUS + issued, None
    # No signed cookie (a first visit, a client that keeps none, a made-up value): the key comes from address and
    # agent, so a cookie-less client keeps the same key, and the cookie, once kept, continues it without a double count.
    address = _address_bucket(request.META.get("REMOTE_ADDR", ""))
    agent = request.META.get("HTTP_USER_AGENT", "")[:200]
    value = _hash(f"address|{address}")[:ADDRESS_CHARS]
    value += _hash(f"agent|{address}|{agent}")[: _KEY_CHARS - ADDRESS_CHARS]
    return ANONYMOUS + value, _signer().sign(value)


def _verified(cookie: str) -> str | None:
    if not cookie or len(cookie) > 100:
        return None
    try:
        value = _signer().unsign(cookie)
    except signing.BadSignature:
        return None
    return value if len(value) == _KEY_CHARS and value.isalnum() else None


def _signer() -> signing.Signer:
    return signing.Signer(salt=_SALT)


def _hash(text: str) -> str:
    return hmac.new(settings.SECRET_KEY.encode(), text.encode(), hashlib.sha256).hexdigest()


def _address_bucket(address: str) -> str:
    """IPv4 addresses as they are; IPv6 ones by their /64, which one client usually has all of."""
    try:
        parsed = ipaddress.ip_address(address)
    except ValueError:
        return address[:64]
    if isinstance(parsed, ipaddress.IPv6Address):
        if parsed.ipv4_mapped is not None:
            return str(parsed.ipv4_mapped)
        return str(ipaddress.ip_network(f"{parsed}/64", strict=False))
    return str(parsed)
