"""Limiting password guesses: at most 5 failed logins per username and 20 per IP address in 15 minutes.

Every attempt is written down *before* the password is checked and counts until it succeeds (then the username's
attempts are forgotten) or ages out of the window. Writing first makes the limit hold under concurrent requests:
the k-th attempt to be written sees at least k-1 others, so no burst gets more than the limit through. An attempt
that is refused is deleted again, so knocking on a locked door does not keep it locked.

The per-address limit is higher because many readers share an address (campus networks, carrier NAT); behind a
reverse proxy REMOTE_ADDR must be the reader's address for it to mean anything.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import timedelta

from django.utils import timezone

from wenku.accounts.models import LoginAttempt

USERNAME_LIMIT = 5
ADDRESS_LIMIT = 20
WINDOW = timedelta(minutes=15)


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
    now = timezone.now()
    LoginAttempt.objects.filter(created__lte=now - WINDOW).delete()
    row = LoginAttempt.objects.create(username=username_key(username), address=address[:45], created=now)
    others = LoginAttempt.objects.exclude(pk=row.pk).filter(created__gt=now - WINDOW)
    waits = [_wait(others.filter(username=row.username), USERNAME_LIMIT, now)]
    if address:
        waits.append(_wait(others.filter(address=row.address), ADDRESS_LIMIT, now))
    wait = max((w for w in waits if w is not None), default=None)
    if wait is not None:
        row.delete()
    return Attempt(wait)


def _wait(attempts, limit: int, now) -> timedelta | None:
    """With ``limit`` attempts already in the window, wait until the oldest of the newest ``limit`` leaves it."""
    boundary = attempts.order_by("-created", "-id").values_list("created", flat=True)[limit - 1 : limit]
    for created in boundary:
        return created + WINDOW - now
    return None


def succeeded(username: str) -> None:
    """A correct password: the username's earlier failures no longer count."""
    LoginAttempt.objects.filter(username=username_key(username)).delete()


def address_of(request) -> str:
    return request.META.get("REMOTE_ADDR", "") if request is not None else ""
