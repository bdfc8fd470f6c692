"""Phrases that mix Chinese with digits or Latin letters (连续3周, 5G网络, 在１９５５年秋), quoted or not, on real
text: every backend finds exactly the documents and pages whose text holds the phrase (checked on the text itself,
not through the analyzer), and snippets mark the phrase where it stands.

The cause of the old miss: a phrase that starts or ends inside a Han run next to a word ("周" of 连续3周 in
连续3周下降) had that character as a gram, while the text had only the bigram 周下; the analyzer now gives the
character next to a word on its own as well.
"""

from __future__ import annotations

import json
import re

import pytest

from tests.search.test_backend_contract import BACKENDS, CORPUS, REPORTS, build, document, open_backend
from wenku.search.backends.base import Filters
from wenku.search.query import parse_query
from wenku.search.snippets import highlight, snippet
from wenku.text.analysis import HAN_CHAR, find_runs, grams_of, normalize, pieces_of

PEOPLES_DAILY_2020_05 = CORPUS / "news" / "peoples_daily_2020-05.jsonl"
NEWS_IDS = ("pd-20200505-02-02",)  # 连续3周下降, and a few other People's Daily articles on COVID—19
NEWS_WITH = ("COVID—19团结应对基金", "在４月份")

# Quoted phrases cut out of the texts below: starting or ending inside a Han run, full-width digits, Latin words.
QUOTED = [
    "大5G网络",
    "5G网络和",
    "加大5G",
    "5G网络",
    "在1955年秋",
    "１９５５年秋征",
    "在１９５５年",
    "1955年",
    "年对3",
]
NEWS_QUOTED = ["连续3周", "续3周下", "3周下降", "3周", "COVID—19团结", "19团结应对", "启动“COVID", "在4月份对", "４月"]


def report_texts() -> list[tuple[str, list[str]]]:
    texts = []
    for year in (1956, 1981, 2019, 2021, 2024):
        title, *paragraphs = (REPORTS / f"{year}.txt").read_text(encoding="utf-8").splitlines()
        texts.append((title, paragraphs))
    return texts


def news_texts() -> list[tuple[str, list[str]]]:
    if not PEOPLES_DAILY_2020_05.is_file():
        return []
    texts = []
    for line in PEOPLES_DAILY_2020_05.read_text(encoding="utf-8").splitlines():
        record = json.loads(line)
        if record["id"] in NEWS_IDS or any(p in record["text"] for p in NEWS_WITH):
            texts.append((record["title"], record["text"].split("\n")))
    return texts[:12]


def holds(text: str, phrase: str) -> bool:
    """The truth, from the text alone: the normalised phrase occurs, and does not cut a word of letters/digits."""
    text, phrase = normalize(text), normalize(phrase)
    for match in re.finditer(re.escape(phrase), text):
        start, end = match.span()
        cut_before = start > 0 and is_word_char(text[start - 1]) and is_word_char(phrase[0])
        cut_after = end < len(text) and is_word_char(text[end]) and is_word_char(phrase[-1])
        if not (cut_before or cut_after):
            return True
    return False


def is_word_char(char: str) -> bool:
    return char.isalnum() and not HAN_CHAR.match(char)


@pytest.fixture(scope="module", params=BACKENDS)
def mixed(request, tmp_path_factory):
    texts = report_texts() + news_texts()
    documents = [document(number, title, paragraphs, 1500) for number, (title, paragraphs) in enumerate(texts, 1)]
    if request.param == "tantivy":
        backend = open_backend("tantivy", tmp_path_factory.mktemp("mixed") / "index")
        build(backend, documents)
        yield backend, documents
        return
    request.getfixturevalue("django_db_setup")
    with request.getfixturevalue("django_db_blocker").unblock():
        backend = open_backend(request.param, "mix" + request.param.replace("postgres", "").replace("-", ""))
        build(backend, documents)
    yield backend, documents
    with request.getfixturevalue("django_db_blocker").unblock():
        backend.drop()


@pytest.fixture
def library(request, mixed):
    if mixed[0].name != "tantivy":
        request.getfixturevalue("db")
    return mixed


def found(backend, raw: str) -> set[int]:
    page = backend.search(parse_query(raw), Filters(), "relevance", 0, 100)
    assert page.total == len(page.hits)
    return {hit.document_id for hit in page.hits}


def phrases(documents) -> list[str]:
    return QUOTED + (NEWS_QUOTED if len(documents) > len(report_texts()) else [])


def test_the_texts_hold_the_phrases():
    texts = ["\n".join(paragraphs) for _, paragraphs in report_texts() + news_texts()]
    for phrase in QUOTED + (NEWS_QUOTED if news_texts() else []):
        assert any(holds(text, phrase) for text in texts), phrase


def test_a_quoted_mixed_phrase_finds_exactly_the_documents_that_hold_it(library):
    backend, documents = library
    for phrase in phrases(documents):
        expected = {d.id for d in documents if holds(d.title, phrase) or holds("\n".join(d.pages), phrase)}
        assert expected, phrase
        assert found(backend, f'"{phrase}"') == expected, phrase


def test_an_unquoted_mixed_phrase_finds_the_documents_that_hold_it(library):
    backend, documents = library
    for phrase in phrases(documents):
        expected = {d.id for d in documents if holds("\n".join(d.pages), phrase)}
        assert expected <= found(backend, phrase), phrase


def test_matching_pages_are_the_pages_that_hold_the_phrase_and_snippets_mark_it(library):
    backend, documents = library
    for phrase in phrases(documents):
        query = parse_query(f'"{phrase}"')
        holding = {d.id: {n for n, page in enumerate(d.pages, 1) if holds(page, phrase)} for d in documents}
        holding = {doc_id: pages for doc_id, pages in holding.items() if pages}
        pages = backend.matching_pages(query, list(holding))
        assert {doc_id: set(numbers) for doc_id, numbers in pages.items()} == holding, phrase
        for doc_id, numbers in pages.items():
            text = next(d for d in documents if d.id == doc_id).pages[numbers[0] - 1]
            marked = re.findall("<mark>(.*?)</mark>", snippet(text, query.highlight_runs()))
            # a phrase is marked where its pieces (runs in a row; COVID and 19团结 in COVID—19团结) stand
            assert marked and {normalize(m) for m in marked} <= set(pieces_of(phrase)), (phrase, marked)
            assert "".join(pieces_of(phrase)) != normalize(phrase) or normalize(phrase) in map(normalize, marked)


def test_the_stream_of_a_mixed_text_holds_every_piece_of_it_in_a_row():
    text = normalize("境外输入现有确诊和疑似病例总数连续3周下降。加大5G网络和千兆光网，在１９５５年秋征中")
    stream = "\x00" + "\x00".join(grams_of(text)) + "\x00"
    for start in range(len(text)):
        for end in range(start + 2, min(len(text), start + 9) + 1):
            piece = text[start:end]
            if re.fullmatch(r"\w+", piece) and holds(text, piece) and not re.fullmatch(r"[\u4e00-\u9fff]", piece):
                terms = parse_query(f'"{piece}"').terms
                assert all("\x00" + "\x00".join(t.grams) + "\x00" in stream for t in terms), piece


def test_highlighting_marks_the_phrase_in_a_row_and_no_word_inside_a_longer_one():
    text = "总数连续3周下降，连续13周上升，第3周。"
    runs = parse_query('"连续3周"').highlight_runs()
    assert [text[a:b] for a, b in find_runs(text, runs)] == ["连续3周"]
    assert str(highlight(text, parse_query("3").highlight_runs())).count("<mark>") == 2  # not in 13
    latin = "ＣＯＶＩＤ—19，covidien"
    assert [latin[a:b] for a, b in find_runs(latin, ["covid"])] == ["ＣＯＶＩＤ"]
