"""The analyzer: normalisation keeps positions, and the tokens make every Han substring findable."""

from __future__ import annotations

import importlib.util
import json

from hypothesis import given, settings
from hypothesis import strategies as st

from tests.conftest import REPO
from wenku.text.analysis import SEPARATOR, find_runs, grams_of, index_tokens, normalize


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
        "中国", "国农", "农业", SEPARATOR, "gdp", "增长", "5", SEPARATOR, "2",
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
