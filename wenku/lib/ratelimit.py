"""Sliding-window limits on actions (查重, registering, password-reset mails), kept in the store all processes share.

The store is the cache alias "shared" (settings.CACHES): a database table by default, Redis when WENKU_REDIS_URL is
set, so that a limit holds for the whole site however many processes serve it. (The "default" cache is per process
and only speeds pages up; a limit kept there would multiply by the number of processes.)

A limit of N actions per window is N slots. An action takes the first free slot with cache.add(), which is atomic
in both stores (an INSERT on the table's primary key; SET NX in Redis), and the slot stays taken for the window.
When every slot is taken the action is refused, until the oldest slot frees. So at most N actions pass in any
window, however many processes count at once. (In the table, a slot that expires just as two requests look at it
may let both through.)
"""

from __future__ import annotations

import hashlib
import logging
import math
import time
from dataclasses import dataclass

from django.core.cache import caches

SHARED = "shared"
_CHUNK = 100  # slots read at once: one round trip for usual limits; slots fill from the first


log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Rule:
    """At most ``limit`` actions per ``window`` seconds for one ``who``; a limit of 0 means no limit."""

    name: str
    limit: int
    window: int


def take(rule: Rule, who: str) -> int:
    """Count one action of ``who`` under ``rule``: 0 when it may go ahead (it is counted), else the seconds to wait
    (nothing is counted)."""
    return take_all([(rule, who)])


def take_all(rules: list[tuple[Rule, str]]) -> int:
    """Count one action under every rule, or under none: 0, or the longest wait. When the shared store cannot be
    reached (Redis or the database away) the action waits too: a limit that cannot be counted is not lifted."""
    try:
        return _take_all(rules)
    except Exception:
        log.error(
            "rate limits %s not counted: the shared store is unavailable", [r.name for r, _ in rules], exc_info=True
        )
        return UNAVAILABLE_WAIT


UNAVAILABLE_WAIT = 60  # seconds a limited action waits while the shared store is unavailable


def _take_all(rules: list[tuple[Rule, str]]) -> int:
    taken: list[str] = []
    waits = []
    for rule, who in rules:
        key, wait = _take(rule, who)
        if key is not None:
            taken.append(key)
        elif wait:
            waits.append(wait)
    if waits:
        if taken:
            caches[SHARED].delete_many(taken)
        return max(waits)
    return 0


def wait_minutes(seconds: int) -> int:
    return max(1, math.ceil(seconds / 60)) if seconds else 0


def _take(rule: Rule, who: str) -> tuple[str | None, int]:
    """The slot taken, or None and the seconds until the oldest slot frees (0: no limit)."""
    if rule.limit <= 0:
        return None, 0
    store = caches[SHARED]
    base = f"limit:{rule.name}:{hashlib.sha256(who.encode('utf-8', 'surrogatepass')).hexdigest()[:32]}"
    now = time.time()
    oldest = now
    for start in range(0, rule.limit, _CHUNK):
        keys = [f"{base}:{n}" for n in range(start, min(start + _CHUNK, rule.limit))]
        values = store.get_many(keys)
        for key in keys:
            if key not in values and store.add(key, now, rule.window):
                return key, 0
        oldest = min([oldest, *(v for v in values.values() if isinstance(v, int | float))])
    return None, max(1, math.ceil(oldest + rule.window - now))
