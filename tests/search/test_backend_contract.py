"""One contract for every search backend, on real text: the bundled government work reports and, when the shared
corpus is there, People's Daily articles.

Each test runs against tantivy (in tmp_path) and against PostgreSQL (the RUM index when the extension is there, and
forced GIN, the fallback), the latter only when the default database is PostgreSQL. Expected results come from an
oracle that reads the texts directly with the same analyzer: a term matches a text when its grams are a run of the
text's grams stream (a one-character term: when the text has that character), a document matches when every group
has a term in its title or text and no excluded term is in either.
"""

from __future__ import annotations

import json
import os
import re
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from wenku.search.backends.base import Filters, IndexDocument
from wenku.search.query import ParsedQuery, QueryError, Term, parse_query
from wenku.text.analysis import HAN, grams_of, normalize
from wenku.text.pagination import paginate

REPO = Path(__file__).resolve().parents[2]
REPORTS = REPO / "wenku" / "sample_library" / "gov_work_reports"
CORPUS = Path(os.environ.get("WENKU_CORPUS", REPO.parent / "shared" / "corpus"))
NEWS = CORPUS / "news" / "peoples_daily_2020-01.jsonl"
ON_POSTGRES = django_settings.DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql"
NOT_ON_POSTGRES = "the postgres backend needs PostgreSQL as the default database (set DATABASE_URL=postgres://…)"
POSTGRES = [pytest.mark.skipif(not ON_POSTGRES, reason=NOT_ON_POSTGRES), pytest.mark.django_db]
POSTGRES_BACKENDS = [pytest.param("postgres", marks=POSTGRES), pytest.param("postgres-gin", marks=POSTGRES)]
BACKENDS = ["tantivy", *POSTGRES_BACKENDS]
BASE_TIME = datetime(2020, 1, 1, tzinfo=UTC)
HAN_RUN = re.compile(f"[{HAN}]+")

# Small documents for cases that the real texts lack; the phrases are the peers' bug reports' own examples.
EXTRA = [
    ("软件说明", ["这个软件安装简单，界面清楚。", "型号ABC123的说明书另附。"]),
    ("工单列表", ["目前还有三张工单待处理。"]),
]


# -- backends ----------------------------------------------------------------------------------------------------
def open_backend(kind: str, where: Path | str):
    if kind == "tantivy":
        from wenku.search.backends.tantivy_backend import TantivyBackend

        return TantivyBackend(Path(where))
    from wenku.search.backends.postgres_backend import PostgresBackend

    return PostgresBackend(prefix=f"wenku_search_{where}", use_rum=None if kind == "postgres" else False)


@pytest.fixture(params=BACKENDS)
def backend(request, tmp_path):
    """A fresh, empty backend for this test (PostgreSQL tables live in the test's transaction)."""
    if request.param == "tantivy":
        return open_backend("tantivy", tmp_path / "index")
    request.getfixturevalue("db")
    return open_backend(request.param, "t" + request.param.replace("postgres", "").replace("-", ""))


@dataclass
class Library:
    backend: object
    kind: str
    documents: dict[int, IndexDocument]
    oracle: Oracle


@pytest.fixture(scope="module", params=BACKENDS)
def library_index(request, tmp_path_factory):
    """~100 real documents indexed once per backend, through the rebuild path (clear, upsert, mark_built)."""
    documents = library_documents()
    if request.param == "tantivy":
        backend = open_backend("tantivy", tmp_path_factory.mktemp("library") / "index")
        build(backend, documents)
        yield Library(backend, request.param, {d.id: d for d in documents}, Oracle(documents))
        return
    request.getfixturevalue("django_db_setup")
    blocker = request.getfixturevalue("django_db_blocker")
    with blocker.unblock():
        backend = open_backend(request.param, "lib" + request.param.replace("postgres", "").replace("-", ""))
        build(backend, documents)
    yield Library(backend, request.param, {d.id: d for d in documents}, Oracle(documents))
    with blocker.unblock():
        backend.drop()


@pytest.fixture
def library(request, library_index) -> Library:
    if library_index.kind != "tantivy":
        request.getfixturevalue("db")
    return library_index


def build(backend, documents: list[IndexDocument]) -> None:
    backend.clear()
    for start in range(0, len(documents), 40):
        backend.upsert(documents[start : start + 40])
        backend.commit()
    backend.mark_built()


def library_documents() -> list[IndexDocument]:
    texts: list[tuple[str, list[str]]] = []
    for path in sorted(REPORTS.glob("*.txt")):
        title, *paragraphs = path.read_text(encoding="utf-8").splitlines()
        texts.append((title, paragraphs))
    if NEWS.is_file():
        titles = {title for title, _ in texts}
        for number, line in enumerate(NEWS.read_text(encoding="utf-8").splitlines()):
            record = json.loads(line)
            if number % 45 == 0 and record["title"] not in titles and record["title"] != "图片报道":
                titles.add(record["title"])
                texts.append((record["title"], record["text"].split("\n")))
    texts += EXTRA
    return [document(number, title, paragraphs) for number, (title, paragraphs) in enumerate(texts, start=1)]


def document(number: int, title: str, paragraphs: list[str], max_chars: int = 3000) -> IndexDocument:
    return IndexDocument(
        id=number,
        title=title,
        pages=[page.text for page in paginate(paragraphs, max_chars)],
        created=BASE_TIME + timedelta(days=(number * 37) % 365, hours=number),
        category_id=[None, 1, 2, 3][number % 4],
        source_format=["txt", "pdf", "docx"][number % 3],
        uploader_id=[None, 7, 8][(number // 2) % 3],
    )


# -- the oracle --------------------------------------------------------------------------------------------------
class Stream:
    """A text as the analyzer sees it: its grams stream (as one string, for finding runs) and its characters."""

    def __init__(self, text: str) -> None:
        self.normalized = normalize(text)
        self.grams = "\x00" + "\x00".join(grams_of(self.normalized)) + "\x00"

    def has(self, term: Term) -> bool:
        if term.single_char:
            return term.single_char in self.normalized
        return "\x00" + "\x00".join(term.grams) + "\x00" in self.grams


def matches(query: ParsedQuery, streams: list[Stream]) -> bool:
    def found(term: Term) -> bool:
        return any(stream.has(term) for stream in streams)

    return all(any(found(t) for t in group) for group in query.groups) and not any(map(found, query.excluded))


class Oracle:
    def __init__(self, documents: list[IndexDocument]) -> None:
        self.documents = {d.id: d for d in documents}
        self.streams = {d.id: [Stream(d.title), Stream("\n".join(d.pages))] for d in documents}
        self.pages = {d.id: [Stream(page) for page in d.pages] for d in documents}

    def search(self, query: ParsedQuery, filters: Filters | None = None) -> set[int]:
        filters = filters or Filters()
        return {i for i, s in self.streams.items() if matches(query, s) and passes(self.documents[i], filters)}

    def pages_of(self, query: ParsedQuery, document_id: int) -> set[int]:
        return {n for n, page in enumerate(self.pages[document_id], start=1) if matches(query, [page])}


def passes(document: IndexDocument, filters: Filters) -> bool:
    return (
        (filters.category_id is None or document.category_id == filters.category_id)
        and (filters.uploader_id is None or document.uploader_id == filters.uploader_id)
        and (not filters.source_format or document.source_format == filters.source_format)
        and (filters.created_from is None or document.created >= filters.created_from)
        and (filters.created_to is None or document.created < filters.created_to)
    )


def everything(backend, raw: str, filters: Filters | None = None, sort: str = "relevance", page_size: int = 500):
    """All hits of a query, page by page, checking that every page reports the same exact total."""
    query, filters = parse_query(raw), filters or Filters()
    hits, totals, offset = [], set(), 0
    while True:
        page = backend.search(query, filters, sort, offset, page_size)
        totals.add(page.total)
        hits += page.hits
        if len(page.hits) < page_size:
            break
        offset += page_size
    assert len(totals) == 1, totals
    return totals.pop(), [hit.document_id for hit in hits]


def found_ids(backend, raw: str, filters: Filters | None = None) -> set[int]:
    total, ids = everything(backend, raw, filters)
    assert total == len(ids) == len(set(ids)), (raw, total, len(ids))
    return set(ids)


def title_id(library: Library, title: str) -> int:
    return next(d.id for d in library.documents.values() if d.title == title)


# -- matching ----------------------------------------------------------------------------------------------------
def test_the_peers_failure_cases_are_found(library):
    """Word-segmenting engines miss these (meilisearch #2499, #4874); bigrams must not."""
    assert title_id(library, "软件说明") in found_ids(library.backend, "简单")
    assert title_id(library, "工单列表") in found_ids(library.backend, "处理")
    assert title_id(library, "1979年中华人民共和国国务院政府工作报告") in found_ids(library.backend, "处理")
    bank = {i for i, s in library.oracle.streams.items() if "中国农业发展银行" in s[1].normalized}
    assert len(bank) >= 3
    assert bank <= found_ids(library.backend, "农业")
    assert found_ids(library.backend, '"中国农业发展银行"') == library.oracle.search(parse_query("中国农业发展银行"))


QUERIES = [
    "经济",
    "农",
    "钢",
    "農",
    "经济 发展",
    "經濟",
    "\u201c高质量发展\u201d",
    '"高质量发展"',
    '"人民，',
    "改革 -农村",
    "鸡尾酒 OR 农村",
    "农业 OR 航天 -改革",
    "疫情 防控",
    "中国农业发展银行",
    "新冠 OR 肺炎 武汉",
    "二〇一九 OR 2019",
    "ＡＢＣ１２３",
    "abc123",
    "经济，发展",
    '"经济，发展"',
    "粮食 钢铁 -1954",
    "一 二",
]


@pytest.mark.parametrize("raw", QUERIES)
def test_totals_and_results_are_exactly_the_matching_documents(library, raw):
    expected = library.oracle.search(parse_query(raw))
    assert found_ids(library.backend, raw) == expected
    assert found_ids(library.backend, raw) == expected  # and again: nothing changes by searching


def test_one_character_queries(library):
    for char in "农钢经我雪":
        expected = library.oracle.search(parse_query(char))
        assert expected, char
        assert found_ids(library.backend, char) == expected
    assert found_ids(library.backend, "農") == found_ids(library.backend, "农")


def test_traditional_finds_simplified_and_the_reverse(library):
    traditional = title_id(library, "1954年中华人民共和国国务院政府工作报告")
    simplified = title_id(library, "2024年中华人民共和国国务院政府工作报告")
    assert "經濟" in "\n".join(library.documents[traditional].pages)
    assert "经济" not in "\n".join(library.documents[traditional].pages)
    assert {traditional, simplified} <= found_ids(library.backend, "经济")
    assert {traditional, simplified} <= found_ids(library.backend, "經濟")
    assert found_ids(library.backend, "經濟") == found_ids(library.backend, "经济")


def test_full_width_finds_half_width(library):
    manual = title_id(library, "软件说明")
    assert found_ids(library.backend, "ＡＢＣ１２３") == {manual}
    assert found_ids(library.backend, "abc123") == {manual}


def test_exact_phrase_needs_the_characters_in_a_row(library):
    phrase = library.oracle.search(parse_query('"高质量发展"'))
    words = library.oracle.search(parse_query("高质量 发展"))
    assert phrase and phrase < words  # some documents have both words, but not together
    assert found_ids(library.backend, '"高质量发展"') == phrase
    assert found_ids(library.backend, "高质量 发展") == words


def test_exclusion_and_or(library):
    rural = found_ids(library.backend, "农村")
    reform = found_ids(library.backend, "改革")
    assert found_ids(library.backend, "改革 -农村") == reform - rural
    assert found_ids(library.backend, "改革 OR 农村") == reform | rural
    assert found_ids(library.backend, "改革 农村") == reform & rural


def test_one_hit_per_document_and_count(library):
    total, ids = everything(library.backend, "的", page_size=7)
    assert len(ids) == len(set(ids)) == total == len(library.oracle.search(parse_query("的")))
    assert total >= len(library.documents) - 2
    assert library.backend.document_count() == len(library.documents)


# -- ranking, sorting, filters ---------------------------------------------------------------------------------
def searchable_titles(library: Library) -> list[IndexDocument]:
    titles = [d.title for d in library.documents.values()]
    return [
        d
        for d in library.documents.values()
        if titles.count(d.title) == 1 and not re.search(r"[\"“”＂]|(^|\s)-|\bOR\b", d.title)
    ]


def test_exact_title_ranks_its_document_first(library):
    candidates = searchable_titles(library)
    assert len(candidates) >= 50
    for document in candidates:
        hits = library.backend.search(parse_query(document.title), Filters(), "relevance", 0, 3).hits
        assert hits and hits[0].document_id == document.id, (document.title, hits)


def test_relevance_scores_fall(library):
    hits = library.backend.search(parse_query("农村"), Filters(), "relevance", 0, 100).hits
    scores = [hit.score for hit in hits]
    assert scores == sorted(scores, reverse=True)
    assert scores[0] > scores[-1]


def test_newest_sort(library):
    total, ids = everything(library.backend, "经济", sort="newest", page_size=9)
    created = [library.documents[i].created for i in ids]
    assert created == sorted(created, reverse=True)
    assert set(ids) == library.oracle.search(parse_query("经济")) and total == len(ids)


FILTERS = [
    Filters(category_id=2),
    Filters(source_format="pdf"),
    Filters(uploader_id=7),
    Filters(created_from=BASE_TIME + timedelta(days=100)),
    Filters(created_to=BASE_TIME + timedelta(days=200)),
    Filters(created_from=BASE_TIME + timedelta(days=50), created_to=BASE_TIME + timedelta(days=250)),
    Filters(category_id=1, source_format="docx", uploader_id=8),
    Filters(category_id=99),
]


@pytest.mark.parametrize("filters", FILTERS, ids=lambda f: ",".join(f"{k}" for k, v in vars(f).items() if v))
def test_filters(library, filters):
    for raw in ("经济", "改革 -农村", "农"):
        expected = library.oracle.search(parse_query(raw), filters)
        assert found_ids(library.backend, raw, filters) == expected
        total, newest = everything(library.backend, raw, filters, sort="newest")
        assert total == len(expected) and set(newest) == expected


def test_created_range_edges(library):
    document = library.documents[5]
    exact = Filters(created_from=document.created, created_to=document.created + timedelta(seconds=1))
    assert found_ids(library.backend, "的", exact) == {5}
    assert found_ids(library.backend, "的", Filters(created_to=document.created)) == library.oracle.search(
        parse_query("的"), Filters(created_to=document.created)
    )


def test_paging_past_the_end_still_counts(library):
    query = parse_query("农业")
    expected = len(library.oracle.search(query))
    page = library.backend.search(query, Filters(), "relevance", expected + 5, 10)
    assert page.total == expected and page.hits == []
    first = library.backend.search(query, Filters(), "relevance", 0, 5)
    second = library.backend.search(query, Filters(), "relevance", 5, 5)
    assert first.total == second.total == expected
    assert not {h.document_id for h in first.hits} & {h.document_id for h in second.hits}


# -- pages -------------------------------------------------------------------------------------------------------
def phrase_on_one_page(library: Library, document_id: int) -> tuple[str, int]:
    """A 4-character phrase found on exactly one page of the document, whose two halves are on other pages too."""
    pages = [normalize(p) for p in library.documents[document_id].pages]
    for number, text in enumerate(pages, start=1):
        for run in HAN_RUN.findall(text):
            for start in range(0, len(run) - 4, 3):
                phrase = run[start : start + 4]
                elsewhere = [p for n, p in enumerate(pages, start=1) if n != number]
                if (
                    all(phrase not in p for p in elsewhere)
                    and any(phrase[:2] in p for p in elsewhere)
                    and any(phrase[2:] in p for p in elsewhere)
                    and number > 1
                ):
                    return phrase, number
    raise AssertionError("no such phrase")


def test_matching_pages_puts_the_page_with_the_phrase_first(library):
    report = title_id(library, "2019年中华人民共和国国务院政府工作报告")
    assert len(library.documents[report].pages) >= 5
    phrase, number = phrase_on_one_page(library, report)
    other = title_id(library, "2018年中华人民共和国国务院政府工作报告")
    pages = library.backend.matching_pages(parse_query(f'"{phrase}"'), [report, other])
    assert pages[report] == [number], phrase
    halves = parse_query(f"{phrase[:2]} OR {phrase[2:]}")
    pages = library.backend.matching_pages(parse_query(f'"{phrase}" OR {phrase[:2]} OR {phrase[2:]}'), [report])
    assert pages[report][0] == number
    assert set(pages[report]) == library.oracle.pages_of(halves, report)


@pytest.mark.parametrize("raw", ["经济 改革", "农业 -农村", '"高质量发展"', "农", "科技 OR 教育"])
def test_matching_pages_are_the_pages_that_match(library, raw):
    query = parse_query(raw)
    ids = sorted(library.oracle.search(query))[:12]
    pages = library.backend.matching_pages(query, ids)
    for document_id in ids:
        expected = library.oracle.pages_of(query, document_id)
        if len(library.documents[document_id].pages) == 1:
            expected = {1} if expected else set()
        got = pages.get(document_id, [])
        assert len(got) == len(set(got)) and set(got) == expected, (raw, document_id)
    assert library.backend.matching_pages(query, []) == {}


def test_matching_pages_of_a_single_page_document(library):
    manual = title_id(library, "工单列表")
    assert library.backend.matching_pages(parse_query("处理"), [manual]) == {manual: [1]}
    assert library.backend.matching_pages(parse_query("钢铁"), [manual]) == {}


# -- the property ------------------------------------------------------------------------------------------------
@hypothesis_settings(
    max_examples=200, deadline=None, derandomize=True, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(data=st.data())
def test_any_run_of_han_characters_finds_its_document(library, data):
    document_id = data.draw(st.sampled_from(sorted(library.documents)))
    text = "\n".join(library.documents[document_id].pages)
    runs = HAN_RUN.findall(text)
    run = data.draw(st.sampled_from(runs))
    length = data.draw(st.integers(1, min(12, len(run))))
    start = data.draw(st.integers(0, len(run) - length))
    piece = run[start : start + length]
    hits = library.backend.search(parse_query(piece), Filters(), "relevance", 0, 200)
    assert document_id in {hit.document_id for hit in hits.hits} or hits.total > 200, piece
    if hits.total > 200:  # a very common piece: look for it among its own
        narrow = Filters(created_from=library.documents[document_id].created)
        narrow.created_to = narrow.created_from + timedelta(seconds=1)
        assert [h.document_id for h in library.backend.search(parse_query(piece), narrow, "newest", 0, 5).hits] == [
            document_id
        ]


WORD_RUN = re.compile(f"[^\\W_{HAN}]+")


@hypothesis_settings(
    max_examples=100, deadline=None, derandomize=True, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(data=st.data())
def test_random_queries_find_exactly_what_the_oracle_finds(library, data):
    """Pieces of real text (Han runs, words, quoted phrases with punctuation) joined by AND, OR and -: the
    backend finds exactly the documents the oracle finds, and says how many."""

    def piece() -> str:
        text = "\n".join(library.documents[data.draw(st.sampled_from(sorted(library.documents)))].pages)
        kind = data.draw(st.sampled_from(["han", "han", "word", "phrase"]))
        if kind == "word" and WORD_RUN.search(text):
            return data.draw(st.sampled_from(WORD_RUN.findall(text)))
        if kind == "phrase":
            start = data.draw(st.integers(0, len(text) - 1))
            phrase = text[start : start + data.draw(st.integers(2, 12))].replace('"', "").replace("\n", " ")
            if phrase.strip():
                return f'"{phrase}"'
        run = data.draw(st.sampled_from(HAN_RUN.findall(text)))
        length = data.draw(st.integers(1, min(6, len(run))))
        start = data.draw(st.integers(0, len(run) - length))
        return run[start : start + length]

    parts = [piece()]
    for _ in range(data.draw(st.integers(0, 3))):
        parts.append(data.draw(st.sampled_from(["", "OR", "-"])) + "\x01" + piece())
    raw = " ".join(parts).replace("OR\x01", "OR ").replace("\x01", "")
    try:
        query = parse_query(raw)
    except QueryError:
        return
    assert found_ids(library.backend, raw) == library.oracle.search(query), raw


# -- writing -----------------------------------------------------------------------------------------------------
def report(year: int, number: int | None = None, max_chars: int = 3000) -> IndexDocument:
    title, *paragraphs = (REPORTS / f"{year}.txt").read_text(encoding="utf-8").splitlines()
    return document(number or year, title, paragraphs, max_chars)


def test_needs_rebuild_until_marked_built(backend):
    assert backend.needs_rebuild()
    backend.upsert([report(2024)])
    backend.commit()
    assert backend.needs_rebuild()
    backend.mark_built()
    assert not backend.needs_rebuild()
    backend.clear()
    assert backend.needs_rebuild()
    assert backend.document_count() == 0
    backend.mark_built()
    assert not backend.needs_rebuild()


def test_delete_removes(backend):
    backend.upsert([report(2023), report(2024), report(2025)])
    backend.commit()
    assert backend.document_count() == 3
    assert backend.search(parse_query("政府工作报告"), Filters(), "relevance", 0, 10).total == 3
    backend.delete([2024, 999])
    backend.commit()
    assert backend.document_count() == 2
    page = backend.search(parse_query("政府工作报告"), Filters(), "relevance", 0, 10)
    assert page.total == 2 and {h.document_id for h in page.hits} == {2023, 2025}
    assert backend.matching_pages(parse_query("政府"), [2024]) == {}
    backend.delete([])
    backend.commit()


def test_upsert_replaces(backend):
    old, other, new = report(1978, number=1), report(2024), report(2007, number=1, max_chars=500)
    backend.upsert([old, other])
    backend.commit()
    before = Oracle([old, other])
    assert before.search(parse_query("四个现代化")) == {1} == found_ids(backend, "四个现代化")
    assert found_ids(backend, '"中国农业发展银行"') == before.search(parse_query("中国农业发展银行"))
    backend.upsert([new])  # the same id: other text, more pages
    backend.commit()
    after = Oracle([new, other])
    assert backend.document_count() == 2
    for raw in ["四个现代化", "1978", '"中国农业发展银行"', "三峡", "经济 -三峡"]:
        assert found_ids(backend, raw) == after.search(parse_query(raw)), raw
    assert found_ids(backend, "四个现代化") == set()
    assert found_ids(backend, "三峡") == {1}
    query = parse_query('"中国农业发展银行"')
    assert set(backend.matching_pages(query, [1])[1]) == after.pages_of(query, 1)
    assert len(after.pages_of(query, 1)) >= 1 and len(new.pages) > 10


def test_an_upsert_batch_keeps_the_last_version_of_a_document(backend):
    first, second = report(2019, number=5), report(2022, number=5)
    backend.upsert([first, second])
    backend.commit()
    assert backend.document_count() == 1
    assert backend.search(parse_query("2022年"), Filters(), "relevance", 0, 10).hits[0].document_id == 5


def test_phrases_with_punctuation_need_the_gap(backend):
    texts = {1: "稳增长，调结构。", 2: "稳增长调结构", 3: "稳增长A调结构", 4: "稳增长；\n调结构"}
    backend.upsert([document(i, f"第{i}号", [t]) for i, t in texts.items()])
    backend.commit()
    assert found_ids(backend, '"稳增长，调结构"') == {1, 4}
    assert found_ids(backend, '"稳增长调结构"') == {2}
    assert found_ids(backend, "稳增长，调结构") == {1, 2, 3, 4}


def test_pages_longer_than_a_tsvector_holds(backend):
    """A gram hundreds of times on one page and a page of 20,000 characters: phrases anywhere are found."""
    repeated = "发展经济" * 1500 + "四个现代化"
    long_page = "".join((REPORTS / "2024.txt").read_text(encoding="utf-8").splitlines()[1:])[:20000] + "三峡工程建设"
    documents = [
        IndexDocument(id=1, title="重复", pages=[repeated], created=BASE_TIME),
        IndexDocument(id=2, title="长页", pages=[long_page], created=BASE_TIME),
    ]
    backend.upsert(documents)
    backend.commit()
    oracle = Oracle(documents)
    for raw in ['"发展经济四个现代化"', '"经济发展经济"', '"三峡工程建设"', "总基调 三峡", '"稳中求进工作总基调"']:
        assert found_ids(backend, raw) == oracle.search(parse_query(raw)), raw
    assert found_ids(backend, '"三峡工程建设"') == {2}
    assert found_ids(backend, '"发展经济四个现代化"') == {1}
    middle = long_page[9000:9012]
    assert found_ids(backend, middle) == oracle.search(parse_query(middle)) >= {2}
    assert backend.matching_pages(parse_query('"三峡工程建设"'), [2]) == {2: [1]}


def test_queries_that_look_like_tsquery_syntax(backend):
    backend.upsert([document(1, "符号", ["a'b 与 c\\d 以及 x:y & z | !w <-> (v) 'q' 甲:乙"])])
    backend.commit()
    for raw in ["a'b", "c\\d", "x:y", "z | w", "!w", "(v)", "'q'", "甲:乙", "x:*", "a'b OR x:*", '"x:y"']:
        assert found_ids(backend, raw) == {1}, raw


# -- postgres only -----------------------------------------------------------------------------------------------
@pytest.mark.parametrize("library_index", POSTGRES_BACKENDS, indirect=True)
def test_postgres_index_kind(library):
    from django.db import connection

    backend = library.backend
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_available_extensions WHERE name = 'rum'")
        rum = cursor.fetchone() is not None
        cursor.execute("SELECT indexdef FROM pg_indexes WHERE tablename = %s", [backend.page_table])
        indexes = " ".join(row[0] for row in cursor.fetchall())
    assert backend.uses_rum == (rum and library.kind == "postgres")
    assert ("USING rum (grams" in indexes) == backend.uses_rum
    assert ("USING gin (grams)" in indexes) == (not backend.uses_rum)


@pytest.mark.parametrize("backend", POSTGRES_BACKENDS[:1], indirect=True)
def test_postgres_one_rebuild_at_a_time(backend):
    import psycopg
    from django.db import connection

    from wenku.search.backends.postgres_backend import IndexBusy

    params = connection.get_connection_params()
    with psycopg.connect(**{k: v for k, v in params.items() if k != "cursor_factory"}) as other:
        other.execute("SELECT pg_advisory_lock(hashtext(%s))", [f"{backend.prefix}:rebuild"])
        with pytest.raises(IndexBusy):
            backend.clear()
        other.execute("SELECT pg_advisory_unlock(hashtext(%s))", [f"{backend.prefix}:rebuild"])
    backend.clear()
    backend.clear()  # the same connection may start over
    backend.mark_built()
    assert not backend.needs_rebuild()


# -- page ends -------------------------------------------------------------------------------------------------
def test_phrases_over_a_page_end_are_found(backend):
    """A document's text is its pages joined by a line break (tantivy's whole-document entry, the oracle), so a
    quoted phrase with a gap may run from one page into the next, or over a short page into the one after: every
    backend finds the document. As in the oracle, such a phrase is on no single page, and a term at the start of a
    page is not on the page before. The break is a gap: 经济|发展 cut over two pages is not the word 经济发展."""
    long_page = "".join((REPORTS / "2024.txt").read_text(encoding="utf-8").splitlines()[1:])[:20000]
    documents = [
        document(1, "报告甲", []),
        document(2, "报告乙", ["我们要推动经济发展。各位代表，同志们！"]),
        IndexDocument(id=3, title="长页", pages=[long_page + "各位代表！", "我们要团结奋斗。"], created=BASE_TIME),
        IndexDocument(id=4, title="重复", pages=["发展经济" * 1500 + "各位代表！", "我们要发展。"], created=BASE_TIME),
    ]
    documents[0].pages = [
        "过去一年，我们推动高质量发展。各位代表！",  # the failing example: 各位代表！| 我们
        "我们要坚定信心，稳中求进，促进经济",  # 经济 | 发展, as a page cut inside a long sentence leaves it
        "发展，改善民生。各位代表，",
        "同志们！",  # a short page: a phrase runs over it
        "我们要团结奋斗，开创新局面。",
    ]
    backend.upsert(documents)
    backend.commit()
    oracle = Oracle(documents)
    expected = {
        '"各位代表！我们要"': {1, 3, 4},
        '各 各 "各位代表： 我們"': {1, 3, 4},
        '"发展。各位代表！我们要坚定"': {1},
        '"促进经济，发展"': {1},
        '"经济 发展，改善"': {1},
        '"各位代表，同志们！我们要团结"': {1},
        '"代表，同志们"': {1, 2},
        '"团结奋斗"': {1, 3},
        "经济发展": {2, 3, 4},
        "经济 发展": {1, 2, 3, 4},
        '团结 -"代表！我们要团结"': {1},  # 3 has the phrase over its page end
        '"我们要团结" -"代表！我们要团结"': {1},
        '"代表，同志们！我们要" -民生': set(),
        '"经济各位代表！我们要发展"': {4},
        '"各位代表！我们要" OR "同志们！我们要"': {1, 3, 4},
    }
    for raw, ids in expected.items():
        assert oracle.search(parse_query(raw)) == ids, raw  # (the test's own premise)
        assert found_ids(backend, raw) == ids, raw
    for raw in [*expected, "我们", "团结", "经济", "发展", '"我们要坚定"', '"我们要团结" OR 民生', "同志们 OR 我们要"]:
        query = parse_query(raw)
        ids = sorted(oracle.search(query))
        pages = backend.matching_pages(query, ids)
        for document_id in ids:
            want = oracle.pages_of(query, document_id)
            got = pages.get(document_id, [])
            assert len(got) == len(set(got)) and set(got) == want, (raw, document_id, got, want)
    assert backend.matching_pages(parse_query('"各位代表！我们要"'), [1, 4]) == {}
    assert sorted(backend.matching_pages(parse_query("我们"), [1, 4])[1]) == [1, 2, 5]
    assert backend.matching_pages(parse_query("我们"), [4]) == {4: [2]}
    assert backend.matching_pages(parse_query('"我们要坚定"'), [1]) == {1: [2]}
