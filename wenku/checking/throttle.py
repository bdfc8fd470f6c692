"""How many checks one visitor may run: each compares a text of up to WENKU_CHECK_MAX_CHARS with the library.

Anonymous visitors are counted by address (accounts.throttle.address_of), signed-in users by account: at most
WENKU_CHECK_ANONYMOUS_LIMIT / WENKU_CHECK_USER_LIMIT checks in any WENKU_CHECK_WINDOW_MINUTES. The counts live in
the store all server processes share (wenku.lib.ratelimit), so the limit holds for the site, not per process.
"""

from __future__ import annotations

from django.conf import settings

from wenku.accounts.throttle import address_of
from wenku.lib import ratelimit


def _rule_and_who(request) -> tuple[ratelimit.Rule, str]:
    window = settings.WENKU_CHECK_WINDOW_MINUTES * 60
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated:
        return ratelimit.Rule("check-user", settings.WENKU_CHECK_USER_LIMIT, window), str(user.pk)
    return ratelimit.Rule("check-address", settings.WENKU_CHECK_ANONYMOUS_LIMIT, window), address_of(request)


def wait_minutes(request) -> int:
    """0 when a check may run now (and it is counted), else how many minutes to wait."""
    return ratelimit.wait_minutes(ratelimit.take(*_rule_and_who(request)))


def refusal(minutes: int) -> str:
    return f"查重过于频繁，请 {minutes} 分钟后再试。"
