"""Query-string parameters, read in one place.

Numbers: ASCII digits only ("²" and "١" are digits to str.isdigit() but not to int()), clamped to a range, never
an error. Dates: YYYY-MM-DD in the years a datetime can hold, an end date's next day included. Strings: NUL and
lone surrogates can be stored by no database (PostgreSQL refuses NUL in text), so QueryStringGuard refuses any
query string that holds them with a 400 and a message, before a view runs, for the site and the API alike.
"""

from __future__ import annotations

from datetime import datetime, timedelta, tzinfo

from django.http import HttpResponse, JsonResponse

from wenku.text.storable import storable

MAX_PAGE_NUMBER = 10**9  # beyond any real page; views clamp further to what exists
MAX_ID = 2**62  # beyond any real id; larger numbers would overflow the database's integer
SEARCH_PAGE_SIZE = 10
MAX_SEARCH_PAGE_SIZE = 50
_MAX_DIGITS = 30  # more digits are clamped without converting them (int() of a huge string is slow)


def clamped_int(raw: str | None, default: int | None, low: int, high: int) -> int | None:
    """``raw`` as an integer clamped to [low, high]; ``default`` when it is not a plain decimal number."""
    text = (raw or "").strip()
    if not text or not text.isascii() or not text.isdigit():
        return default
    if len(text.lstrip("0")) > _MAX_DIGITS:
        return high
    return min(max(int(text), low), high)


def optional_id(raw: str | None) -> int | None:
    """An id filter (category=…): a positive id, or None when absent, malformed or out of range."""
    value = clamped_int(raw, None, 0, MAX_ID + 1)
    return value if value is not None and 1 <= value <= MAX_ID else None


def page_number(raw: str | None, last: int = MAX_PAGE_NUMBER) -> int:
    """A page number, 1 when absent or malformed, at most ``last``."""
    return clamped_int(raw, 1, 1, max(1, last)) or 1


def jump_page(raw: str, last: int) -> int:
    """The reading page's jump form: the digits typed ("第 12 页" is 12), clamped to the document's pages."""
    digits = "".join(c for c in raw if c.isascii() and c.isdigit())
    return page_number(digits, last)


def date_param(raw: str | None, tz: tzinfo, next_day: bool = False) -> datetime | None:
    """A YYYY-MM-DD date as the start of that day (or of the next, for an exclusive end) in ``tz``; None when
    malformed or when the next day is past what a datetime holds (9999-12-31: no end at all)."""
    try:
        day = datetime.strptime((raw or "").strip(), "%Y-%m-%d")
        if next_day:
            day += timedelta(days=1)
        return day.replace(tzinfo=tz)
    except (TypeError, ValueError, OverflowError):
        return None


# -- strings ----------------------------------------------------------------------------------------------------
def unsafe_text(text: str) -> bool:
    """True when ``text`` holds NUL or a lone surrogate."""
    return not storable(text)


BAD_QUERY_STRING = "网址的参数中含有无法处理的字符（NUL 或无效的 Unicode），请检查链接。"


class QueryStringGuard:
    """Refuse a query string with NUL or lone surrogates in any name or value: 400 with the reason, JSON for the
    API. Only the query string: request bodies belong to their views (reading them here would spoil uploads)."""

    def __init__(self, get_response) -> None:
        self.get_response = get_response

    def __call__(self, request):
        if any(unsafe_text(key) or any(unsafe_text(v) for v in values) for key, values in request.GET.lists()):
            if request.path_info.startswith("/api/"):
                return JsonResponse({"detail": BAD_QUERY_STRING}, status=400, json_dumps_params={"ensure_ascii": False})
            return HttpResponse(
                f'<!doctype html><html lang="zh-CN"><head><meta charset="utf-8"><title>无效的网址</title></head>'
                f'<body style="font-family:sans-serif;max-width:40em;margin:4em auto;padding:0 1em"><h1>无效的网址</h1>'
                f'<p>{BAD_QUERY_STRING}</p><p><a href="/">返回首页</a></p></body></html>',
                status=400,
                content_type="text/html; charset=utf-8",
            )
        return self.get_response(request)
