"""The query language: what users type becomes terms the backends can match."""

from __future__ import annotations

import pytest

from wenku.search.query import MAX_QUERY_CHARS, QueryError, parse_query


def grams(query):
    return [[term.grams for term in group] for group in query.groups]


def test_words_are_anded_and_or_joins_neighbours():
    assert grams(parse_query("经济 发展")) == [[("经济",)], [("发展",)]]
    assert grams(parse_query("农业 OR 农村 城市")) == [[("农业",), ("农村",)], [("城市",)]]


def test_quotes_make_one_phrase_and_minus_excludes():
    query = parse_query('"高质量 发展" -农村')
    assert grams(query) == [[("高质", "质量", "|", "发展")]]
    assert [t.grams for t in query.excluded] == [("农村",)]


def test_a_one_character_end_of_a_phrase_stands_alone():
    assert grams(parse_query('"发展，是"')) == [[("发展",)], [("是",)]]
    assert grams(parse_query('"是，发展，是"')) == [[("发展",)], [("是",)], [("是",)]]


def test_width_case_and_script_are_folded():
    assert grams(parse_query("ＡＢＣ１２３")) == [[("abc123",)]]
    assert grams(parse_query("經濟")) == [[("经济",)]]


@pytest.mark.parametrize("raw", ["", "   ", "-only", "---", "OR", "，。！", "\x00\x01"])
def test_nothing_to_search_for_is_a_clear_message(raw):
    with pytest.raises(QueryError, match="请输入"):
        parse_query(raw)


def test_limits():
    with pytest.raises(QueryError, match="太长"):
        parse_query("字" * (MAX_QUERY_CHARS + 1))
    with pytest.raises(QueryError, match="太多"):
        parse_query(" ".join(f"词{i}" for i in range(40)))
