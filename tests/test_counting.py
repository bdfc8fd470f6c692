"""字数 and reading time, on hand-counted cases and against the Unicode data of the running Python."""

from __future__ import annotations

import importlib.util
import unicodedata

import pytest

from tests.conftest import REPO
from wenku.text._wide_ranges import UNICODE_VERSION, WIDE_RANGES
from wenku.text.counting import count_chars, reading_minutes


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2023年", 2),
        ("“学习”", 4),
        ("学思想、强党性、重实践、建新功", 15),
        ("国务院总理李　强", 7),  # the ideographic space is whitespace, not a character
        ("Hello, world! 你好", 4),  # "Hello," "world!" 你 好
        ("ＡＢＣ１２３", 6),  # full-width letters and digits are wide: one each
        ("ABC１２３", 4),
        ("GDP增长5.2%", 4),  # GDP, 增, 长, 5.2%
        ("", 0),
        ("  \n\t　", 0),
        ("第一章\n第二章", 6),
    ],
)
def test_it_counts_like_word(text, expected):
    assert count_chars(text) == expected


def test_the_reference_page_reading_time():
    assert reading_minutes(102679) == 343
    assert reading_minutes(300) == 1
    assert reading_minutes(301) == 2
    assert reading_minutes(0) == 0


def test_counts_add_up_over_paragraphs(reports_dir):
    text = (reports_dir / "2024.txt").read_text(encoding="utf-8")
    paragraphs = text.split("\n")
    assert count_chars(text) == sum(count_chars(p) for p in paragraphs)


def test_the_generated_wide_ranges_match_this_python():
    if unicodedata.unidata_version != UNICODE_VERSION:
        pytest.skip(f"ranges generated for Unicode {UNICODE_VERSION}, this Python has {unicodedata.unidata_version}")
    spec = importlib.util.spec_from_file_location("gen", REPO / "scripts" / "gen_eaw_ranges.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    assert tuple(module.wide_ranges()) == WIDE_RANGES
