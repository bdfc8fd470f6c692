"""The analyzer: normalisation keeps positions, and the tokens make every Han substring findable."""

from __future__ import annotations

import importlib.util
import json
import re
from collections import Counter

from hypothesis import given, settings
from hypothesis import strategies as st

from tests.conftest import REPO
from wenku.text import fast_analysis
from wenku.text.analysis import (
    HAN_CHAR,
    SEPARATOR,
    find_runs,
    fold_table,
    grams_of,
    index_tokens,
    normalize,
    words_of,
)


def test_normalisation_folds_width_case_and_script_in_place():
    assert normalize("經濟ＡＢＣ１２３　Hello") == "经济abc123 hello"
    text = "“學習”，ＧＤＰ增長５．２％"
    assert len(normalize(text)) == len(text)


@settings(max_examples=200, deadline=None)
@given(st.text(min_size=0, max_size=60))
def test_normalisation_never_changes_length(text):
    assert len(normalize(text)) == len(text)


def test_grams_are_bigrams_of_han_runs_and_words_with_gaps_marked():
    assert grams_of(normalize("中国农业，GDP增长5.2%")) == [
        "中国", "国农", "农业", SEPARATOR, "gdp", "增", "增长", "长", "5", SEPARATOR, "2",
    ]  # fmt: skip


def test_every_han_substring_is_a_run_of_consecutive_grams(reports_dir):
    text = normalize((reports_dir / "2024.txt").read_text(encoding="utf-8"))
    stream = " " + index_tokens(text, with_words=False).grams + " "
    for start in range(0, 4000, 97):
        piece = text[start : start + 6]
        if all("\u4e00" <= c <= "\u9fff" for c in piece):
            assert " " + " ".join(grams_of(piece)) + " " in stream, piece


def test_find_runs_maps_matches_back_to_the_original_text():
    text = "安装簡單，待處理。"
    assert [text[a:b] for a, b in find_runs(text, ["简单", "处理"])] == ["簡單", "處理"]


def test_the_t2s_table_matches_the_installed_opencc():
    spec = importlib.util.spec_from_file_location("gen", REPO / "scripts" / "gen_t2s_chars.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    shipped = json.loads((REPO / "wenku" / "text" / "_t2s_chars.json").read_text(encoding="utf-8"))
    assert module.char_map() == shipped


_MIXED = "中國发展，。 _a1Ａ５\n\u3000經濟𠀀\ud800ab-é\u0301\u4dc0\uf900\U00030000"


def _plain(text: str) -> tuple[str, str, str]:
    normalized = text.translate(fold_table())
    return normalized, " ".join(grams_of(normalized)), " ".join(HAN_CHAR.findall(normalized))


@settings(max_examples=300, deadline=None)
@given(
    st.text(alphabet=st.sampled_from(_MIXED), min_size=fast_analysis.SHORT, max_size=600)
    | st.text(min_size=fast_analysis.SHORT, max_size=400)
)
def test_the_vectorised_analysis_gives_the_plain_results(text):
    assert fast_analysis.analyse(text, with_chars=True) == _plain(text)
    assert normalize(text) == _plain(text)[0]


def test_the_vectorised_analysis_of_a_report_gives_the_plain_results(reports_dir):
    text = (reports_dir / "2024.txt").read_text(encoding="utf-8")
    assert len(text) > 10 * fast_analysis.SHORT
    assert fast_analysis.analyse(text, with_chars=True) == _plain(text)
    tokens = index_tokens(text)
    assert (tokens.grams, tokens.chars) == _plain(text)[1:]
    words = tokens.words.split()
    assert all(re.fullmatch(r"[^\W_]+", word) for word in words)  # no punctuation or space reaches the index
    wanted = Counter(words_of(normalize(text)))
    assert sum((wanted - Counter(words)).values()) <= sum(wanted.values()) // 1000  # rjieba's words, all but a few


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet=st.sampled_from(_MIXED), min_size=fast_analysis.SHORT, max_size=600) | st.text(max_size=400))
def test_gaps_become_spaces_one_for_one(text):
    normalized = normalize(text)
    assert fast_analysis.gaps_to_spaces(normalized) == re.sub(r"[\W_]", " ", normalized)
