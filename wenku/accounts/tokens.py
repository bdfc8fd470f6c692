"""Personal API tokens: made from 32 random bytes, kept only as a SHA-256 digest.

A fast unsalted hash is enough here (unlike passwords): a token has 256 bits of entropy, so a leaked digest cannot
be reversed by guessing, and the digest being deterministic lets a request find its token with one indexed lookup.
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta

from django.utils import timezone

from wenku.accounts.models import ApiToken

PREFIX = "wk_"
SHOWN_CHARS = 10  # "wk_" and 7 characters, shown in lists so that a reader can tell their tokens apart
LAST_USED_PRECISION = timedelta(minutes=5)  # write last_used at most this often, not on every request
MAX_PER_USER = 20


def digest(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


def create(user, name: str = "") -> tuple[ApiToken, str]:
    """A new token for ``user``: the saved row and the token itself, which is not kept anywhere."""
    raw = PREFIX + secrets.token_urlsafe(32)
    token = ApiToken.objects.create(user=user, name=name.strip()[:100], prefix=raw[:SHOWN_CHARS], digest=digest(raw))
    return token, raw


def find(raw: str) -> ApiToken | None:
    """The token ``raw`` stands for, if it exists and its user is active."""
    raw = raw.strip()
    if not raw.startswith(PREFIX) or len(raw) > 200:
        return None
    token = ApiToken.objects.select_related("user").filter(digest=digest(raw)).first()
    if token is None or not token.user.is_active:
        return None
    now = timezone.now()
    if token.last_used is None or now - token.last_used > LAST_USED_PRECISION:
        ApiToken.objects.filter(pk=token.pk).update(last_used=now)
        token.last_used = now
    return token


def bearer(request) -> str | None:
    """The token in an ``Authorization: Bearer …`` header, if there is one."""
    scheme, _, value = request.headers.get("Authorization", "").partition(" ")
    if scheme.lower() != "bearer" or not value.strip():
        return None
    return value.strip()
