"""Limiting password guesses: at most WENKU_LOGIN_FAILURES_PER_USERNAME (5) failed logins per username and
WENKU_LOGIN_FAILURES_PER_ADDRESS (20; 0: no limit) per IP address in WENKU_LOGIN_WINDOW_MINUTES (15).

Every attempt is written down *before* the password is checked and counts until it succeeds (then the username's
attempts are forgotten) or ages out of the window. Writing first makes the limit hold under concurrent requests:
the k-th attempt to be written sees at least k-1 others, so no burst gets more than the limit through. An attempt
that is refused is deleted again, so knocking on a locked door does not keep it locked.

The per-address limit is higher because many readers share an address (campus networks, carrier NAT); behind a
reverse proxy REMOTE_ADDR is the reader's address only when the proxy is in WENKU_TRUSTED_PROXIES (web/proxies.py).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.utils import timezone

from wenku.accounts.models import LoginAttempt


def _window() -> timedelta:
    return timedelta(minutes=settings.WENKU_LOGIN_WINDOW_MINUTES)


@dataclass(frozen=True)
class Attempt:
    """A login attempt that may go ahead (``wait`` is None) or must wait that long."""

    wait: timedelta | None

    @property
    def refused(self) -> bool:
        return self.wait is not None

    @property
    def wait_minutes(self) -> int:
        return max(1, math.ceil(self.wait.total_seconds() / 60)) if self.wait else 0


def username_key(username: str) -> str:
    return username.casefold()[:150]


def begin(username: str, address: str) -> Attempt:
    """Write the attempt down and decide whether it may check a password."""
    now, window = timezone.now(), _window()
    LoginAttempt.objects.filter(created__lte=now - window).delete()
    row = LoginAttempt.objects.create(username=username_key(username), address=address[:45], created=now)
    others = LoginAttempt.objects.exclude(pk=row.pk).filter(created__gt=now - window)
    waits = [_wait(others.filter(username=row.username), settings.WENKU_LOGIN_FAILURES_PER_USERNAME, now, window)]
    if address and settings.WENKU_LOGIN_FAILURES_PER_ADDRESS:
        by_address = others.filter(address=row.address)
        waits.append(_wait(by_address, settings.WENKU_LOGIN_FAILURES_PER_ADDRESS, now, window))
    wait = max((w for w in waits if w is not None), default=None)
    if wait is not None:
        row.delete()
    return Attempt(wait)


def _wait(attempts, limit: int, now, window: timedelta) -> timedelta | None:
    """With ``limit`` attempts already in the window, wait until the oldest of the newest ``limit`` leaves it."""
    boundary = attempts.order_by("-created", "-id").values_list("created", flat=True)[limit - 1 : limit]
    for created in boundary:
        return created + window - now
    return None


def succeeded(username: str) -> None:
    """A correct password: the username's earlier failures no longer count."""
    LoginAttempt.objects.filter(username=username_key(username)).delete()


def address_of(request) -> str:
    return request.META.get("REMOTE_ADDR", "") if request is not None else ""
