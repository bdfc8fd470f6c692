"""字数 as Word's 字数统计 counts it, and the reading time derived from it.

Each non-whitespace character whose East Asian Width is W or F (Chinese characters, full-width punctuation)
counts 1; each maximal run of other non-whitespace characters (a number, a Latin word, “ or ”) counts 1.
So "2023年" is 2 and "“学习”" is 4. Whitespace, including the ideographic space U+3000, never counts.
"""

from __future__ import annotations

import math
import re

from wenku.text._wide_ranges import WIDE_RANGES

_WIDE_CLASS = "".join(f"\\U{a:08X}-\\U{b:08X}" for a, b in WIDE_RANGES)
_WIDE = re.compile(f"[{_WIDE_CLASS}]+")
_NARROW_RUN = re.compile(f"[^{_WIDE_CLASS}\\s]+")
_WIDE_SPACE = "\u3000"  # the only whitespace character that is East Asian Width F


def count_chars(text: str) -> int:
    """字数 of ``text``: wide characters one each, plus one per run of other non-whitespace characters."""
    wide = len(text) - len(_WIDE.sub("", text)) - text.count(_WIDE_SPACE)
    return wide + len(_NARROW_RUN.findall(text))


def reading_minutes(chars: int, chars_per_minute: int = 300) -> int:
    """Reading time in whole minutes, rounded up: 102679 字 at 300 字/分钟 is 343 分钟."""
    if chars <= 0:
        return 0
    return math.ceil(chars / chars_per_minute)
