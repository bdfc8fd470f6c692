"""Running a check for the web page and the API: throttled, on an index brought up to date first."""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings

from wenku.checking import throttle
from wenku.checking.report import CheckReport
from wenku.checking.service import CheckError, CheckUnavailable, check_text


@dataclass
class Refusal:
    """Why a check did not run: a message for the user and the HTTP status that goes with it."""

    message: str
    status: int


def too_long(length: int) -> Refusal | None:
    limit = settings.WENKU_CHECK_MAX_CHARS
    if length > limit:
        return Refusal(f"文本过长：{length} 个字符，查重上限为 {limit} 个字符。", 413)
    return None


def admit(request) -> Refusal | None:
    """Count the check against the visitor (checking.throttle); a Refusal (429) when there were too many."""
    minutes = throttle.wait_minutes(request)
    return Refusal(throttle.refusal(minutes), 429) if minutes else None


def run_check(request, text: str, admitted: bool = False) -> CheckReport | Refusal:
    """The report on ``text``, or a Refusal (too long, empty, too many checks). ``admitted``: the throttle has
    already let this check through (``admit``, before a file was read)."""
    refusal = too_long(len(text))  # before counting it against the visitor, and answered as 413
    if refusal is None and not admitted:
        refusal = admit(request)
    if refusal is not None:
        return refusal
    try:
        return check_text(text)
    except CheckUnavailable as exc:
        return Refusal(str(exc), 503)
    except CheckError as exc:
        return Refusal(str(exc), 400)
