"""How many checks one visitor may run: each compares a text of up to WENKU_CHECK_MAX_CHARS with the library.

Anonymous visitors are counted by address (accounts.throttle.address_of), signed-in users by account, over a
sliding window. The counts live in Django's cache: with the default local-memory cache the limit holds per server
process, with a shared cache across them. Unlike the failed-login limit nothing is written to the database, so a
check leaves nothing behind.
"""

from __future__ import annotations

import math
import time

from django.conf import settings
from django.core.cache import cache

from wenku.accounts.throttle import address_of

WINDOW_SECONDS = 10 * 60
ANONYMOUS_LIMIT = 10  # checks per window; settings.WENKU_CHECK_ANONYMOUS_LIMIT overrides
USER_LIMIT = 60  # settings.WENKU_CHECK_USER_LIMIT overrides


def _key_and_limit(request) -> tuple[str, int]:
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated:
        return f"wenku-check:user:{user.pk}", getattr(settings, "WENKU_CHECK_USER_LIMIT", USER_LIMIT)
    return f"wenku-check:addr:{address_of(request)}", getattr(settings, "WENKU_CHECK_ANONYMOUS_LIMIT", ANONYMOUS_LIMIT)


def wait_minutes(request) -> int:
    """0 when a check may run now (and it is counted), else how many minutes to wait."""
    key, limit = _key_and_limit(request)
    now = time.time()
    recent = [t for t in cache.get(key, []) if t > now - WINDOW_SECONDS]
    if len(recent) >= limit:
        return max(1, math.ceil((recent[-limit] + WINDOW_SECONDS - now) / 60))
    recent.append(now)
    cache.set(key, recent, WINDOW_SECONDS)
    return 0


def refusal(minutes: int) -> str:
    return f"查重过于频繁，请 {minutes} 分钟后再试。"
