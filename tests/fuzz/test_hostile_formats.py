"""Hostile files of every format through the one converter entry point and through /check/.

Each input must end in a clean refusal (ImportRefused, with a reason) or a bounded success, within the parse
sandbox's wall-time limit plus a little, with the child's peak memory under its limit; through /check/ it must
never be answered with a 5xx. Hand-made cases (truncated, nested, oversized, pages sharing one content stream,
empty paragraphs, NUL bytes, invalid UTF-8/UTF-16, zip bombs) and hypothesis mutations of valid files. The number
of inputs tried is printed at the end of the run (tests/fuzz/conftest.py).
"""

from __future__ import annotations

import codecs
import io
import time
from collections import Counter

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests import hostile, samples
from wenku.ingest import converters, sandbox
from wenku.ingest.errors import ImportRefused
from wenku.ingest.extracted import Extracted

TIMEOUT = 3  # WENKU_PARSE_TIMEOUT for these tests
MEMORY_MB = 512  # WENKU_PARSE_MEMORY_MB
SUITE = "hostile formats"
CHINESE = "政府工作报告坚持稳中求进工作总基调。"
COUNTS: Counter = Counter()


@pytest.fixture(autouse=True)
def bounded(settings, fuzz_tally):
    """Tight limits, and the counter of inputs (tests/fuzz/conftest.py prints it)."""
    global COUNTS
    COUNTS = fuzz_tally(SUITE)
    settings.WENKU_PARSE_TIMEOUT = TIMEOUT
    settings.WENKU_PARSE_MEMORY_MB = MEMORY_MB
    settings.WENKU_CHECK_PARSE_TIMEOUT = TIMEOUT
    settings.WENKU_CHECK_ANONYMOUS_LIMIT = 100_000


def attempt(name: str, data: bytes) -> list | ImportRefused:
    """Parse in the sandbox; assert a clean outcome, bounded in time and memory; count the input."""
    COUNTS["inputs"] += 1
    started = time.monotonic()
    try:
        outcome = converters.extract(converters.format_of(name), data, name)
    except ImportRefused as exc:
        assert str(exc), "a refusal without a reason"
        outcome = exc
    seconds = time.monotonic() - started
    stats = sandbox.last_stats()
    assert seconds < TIMEOUT + 2, (name, seconds)
    assert stats is not None and stats.seconds < TIMEOUT + 2
    if stats.max_rss_kb is not None:
        assert stats.max_rss_kb < (MEMORY_MB + 128) * 1024, (name, stats)
    if not isinstance(outcome, ImportRefused):
        assert all(isinstance(entry, Extracted | ImportRefused) for entry in outcome)
        for entry in outcome:
            if isinstance(entry, Extracted):
                assert all("\n" not in p and "\x00" not in p for p in entry.paragraphs)
    return outcome


# --- valid seeds ----------------------------------------------------------------------------------------------


def docx_of(paragraphs: list[str]) -> bytes:
    body = "".join(f"<w:p><w:r><w:t>{p}</w:t></w:r></w:p>" for p in paragraphs)
    return hostile.zipped(hostile.docx_parts(body))


def epub_of(paragraphs: list[str]) -> bytes:
    return hostile.zipped(hostile.epub_parts([hostile.xhtml("".join(f"<p>{p}</p>" for p in paragraphs))]))


def odp_of(paragraphs: list[str]) -> bytes:
    return hostile.zipped(hostile.odp_parts("".join(hostile.slide(p) for p in paragraphs)))


def pdf_of(lines: int) -> bytes:
    return hostile.pdf_sharing_one_stream(pages=2, lines=lines, text=b"A line of text on a page")


SEEDS = {
    "a.txt": ("标题\n" + CHINESE * 3 + "\n" + CHINESE).encode("gb18030"),
    "a.md": f"---\ntitle: 标题\n---\n# 标题\n\n{CHINESE}\n软换行\n\n- 一\n- 二\n\n| a | b |\n|---|---|\n".encode(),
    "a.html": f"<html><head><title>标题</title></head><body><nav>导航</nav><p>{CHINESE}</p></body></html>".encode(),
    "a.docx": docx_of(["标题", CHINESE, CHINESE]),
    "a.pdf": pdf_of(5),
    "a.epub": epub_of(["第一章", CHINESE]),
    "a.jsonl": ('{"id": "1", "title": "标", "text": "' + CHINESE + '"}\n{"id": 2, "text": "二"}\n').encode(),
    "a.odp": odp_of(["标题", CHINESE]),
}


def test_every_seed_is_read():
    for name, data in SEEDS.items():
        outcome = attempt(name, data)
        assert not isinstance(outcome, ImportRefused), (name, outcome)
        assert any(isinstance(e, Extracted) and e.paragraphs for e in outcome), name


# --- hand-made hostile cases ------------------------------------------------------------------------------------


def _zip_bomb(seed: bytes, part: str, lie: bool) -> bytes:
    """The seed with 300 MB of zeros in ``part`` (deflated to 300 KB); ``lie``: headers claiming 4 KB."""
    entries = _entries(seed)
    bomb = samples.Zeros(part, 300 << 20, declared_size=4096 if lie else None)
    if lie:
        entries = [e for e in entries if e[0] != part]
    out = io.BytesIO()
    samples.write_zip(_Sink(out), [*entries, bomb])
    return out.getvalue()


def _entries(data: bytes) -> list[tuple[str, bytes]]:
    import zipfile

    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return [(info.filename, archive.read(info)) for info in archive.infolist()]


class _Sink:
    """A stand-in for a Path that samples.write_zip writes to."""

    def __init__(self, out: io.BytesIO) -> None:
        self.out = out

    def write_bytes(self, data: bytes) -> None:
        self.out.write(data)


def _nested_tables(depth: int) -> str:
    return "<w:tbl><w:tr><w:tc>" * depth + "<w:p><w:r><w:t>深</w:t></w:r></w:p>" + "</w:tc></w:tr></w:tbl>" * depth


def _cases() -> list[tuple[str, str, bytes]]:
    utf16_odd = codecs.BOM_UTF16_LE + "正文".encode("utf-16-le") + b"\x00"
    lone_surrogate = codecs.BOM_UTF16_LE + b"\x00\xd8\x41\x00" * 1000
    invalid_utf8 = b"\xff\xfe\xfd" + "正文".encode() + b"\xc3\x28\xa0\xa1" * 5000
    nul_text = ("正文\x00" * 10_000).encode()
    return [
        # plain text
        ("txt", "a.txt", nul_text),
        ("txt", "a.txt", invalid_utf8),
        ("txt", "a.txt", utf16_odd),
        ("txt", "a.txt", lone_surrogate),
        ("txt", "a.txt", b"\n" * 3_000_000),  # 3 million lines: WENKU_MAX_LINES
        ("txt", "a.txt", b"x" * 21_000_000),  # one line longer than WENKU_MAX_TEXT_CHARS
        ("txt", "a.txt", SEEDS["a.txt"][:-1] + b"\xd5"),  # truncated inside a GB18030 character
        # Markdown
        ("md", "a.md", b">" * 100_000 + b" deep"),
        ("md", "a.md", b"- " * 50_000 + b"item"),
        ("md", "a.md", "软换行\n".encode() * 1_000_000),  # one paragraph of a million lines
        ("md", "a.md", b"|a|b|\n|-|-|\n" + b"|1|2|\n" * 200_000),
        ("md", "a.md", nul_text),
        ("md", "a.md", b"[x](" * 100_000),
        # HTML
        ("html", "a.html", b"<div>" * 200_000 + b"<p>x</p>"),
        ("html", "a.html", b'<div class="nav">' * 2000 + "正文".encode() * 50_000 + b"</div>" * 2000),
        ("html", "a.html", b"<i></i>" * 2_100_000),  # more elements than WENKU_MAX_PARAGRAPHS x 10
        ("html", "a.html", b'<meta charset="utf-8">' + invalid_utf8),
        ("html", "a.html", b"<p>" + nul_text + b"</p>"),
        ("html", "a.html", SEEDS["a.html"][:37]),
        ("html", "a.html", b"<!--" * 100_000),
        # .docx
        ("docx", "a.docx", hostile.zipped(hostile.docx_parts("<w:p/>" * 300_000))),
        ("docx", "a.docx", hostile.zipped(hostile.docx_parts(_nested_tables(500)))),
        ("docx", "a.docx", hostile.zipped(hostile.docx_parts("<w:p><w:r><w:t>\x01零</w:t></w:r></w:p>"))),
        ("docx", "a.docx", _zip_bomb(SEEDS["a.docx"], "word/media/a.png", lie=False)),
        ("docx", "a.docx", _zip_bomb(SEEDS["a.docx"], "word/document.xml", lie=True)),
        ("docx", "a.docx", SEEDS["a.docx"][: len(SEEDS["a.docx"]) // 2]),
        ("docx", "a.docx", SEEDS["a.docx"].replace(b"PK\x01\x02", b"PK\x00\x00")),
        # PDF
        ("pdf", "a.pdf", hostile.pdf_sharing_one_stream(pages=1000, lines=400)),
        ("pdf", "a.pdf", hostile.pdf_sharing_one_stream(pages=10_001, lines=1)),
        ("pdf", "a.pdf", SEEDS["a.pdf"][: len(SEEDS["a.pdf"]) // 2]),
        ("pdf", "a.pdf", SEEDS["a.pdf"].replace(b"stream", b"stream\x00\x00")),
        ("pdf", "a.pdf", b"%PDF-1.4\n1 0 obj " + b"[" * 100_000 + b"\nendobj\n%%EOF"),
        ("pdf", "a.pdf", b"%PDF-1.7\n" + b"\x00" * 10_000),
        # EPUB
        ("epub", "a.epub", _zip_bomb(SEEDS["a.epub"], "c9.xhtml", lie=False)),
        ("epub", "a.epub", _zip_bomb(SEEDS["a.epub"], "c0.xhtml", lie=True)),
        ("epub", "a.epub", hostile.zipped(hostile.epub_parts([hostile.xhtml("<div>" * 5000 + "深")]))),
        ("epub", "a.epub", hostile.zipped(hostile.epub_parts([hostile.xhtml("<p></p>" * 300_000)]))),
        ("epub", "a.epub", hostile.zipped(hostile.epub_parts([b"\xff\xfe\x00\x00" + nul_text]))),
        ("epub", "a.epub", SEEDS["a.epub"][:-30]),
        # JSONL
        ("jsonl", "a.jsonl", b"{}\n" * 2_100_000),
        ("jsonl", "a.jsonl", b'{"text": ' + b"[" * 100_000 + b"\n"),
        ("jsonl", "a.jsonl", b'{"text": "' + b"\\n" * 300_000 + b'x"}\n'),
        ("jsonl", "a.jsonl", b'{"text": "\\u0000\\ud800"}\n' + invalid_utf8),
        ("jsonl", "a.jsonl", lone_surrogate),
        # .odp
        ("odp", "a.odp", odp_of(["页"] * 10_001)),
        ("odp", "a.odp", hostile.zipped(hostile.odp_parts("<draw:page>" + "<draw:g>" * 5000 + "</draw:page>"))),
        ("odp", "a.odp", _zip_bomb(SEEDS["a.odp"], "Pictures/a.png", lie=False)),
        ("odp", "a.odp", _zip_bomb(SEEDS["a.odp"], "content.xml", lie=True)),
        ("odp", "a.odp", SEEDS["a.odp"][:100]),
    ]


CASES = _cases()
CHECKABLE = {"txt", "md", "html", "docx", "pdf", "epub"}


@pytest.mark.parametrize("index", range(len(CASES)), ids=[f"{c[0]}-{i}" for i, c in enumerate(CASES)])
def test_a_hostile_file_is_refused_cleanly_or_read_within_bounds(index):
    _fmt, name, data = CASES[index]
    attempt(name, data)


def test_every_format_has_hostile_cases():
    assert {fmt for fmt, _, _ in CASES} == {"txt", "md", "html", "docx", "pdf", "epub", "jsonl", "odp"}


# --- mutations of valid files ---------------------------------------------------------------------------------


@st.composite
def mutated(draw) -> tuple[str, bytes]:
    name = draw(st.sampled_from(sorted(SEEDS)))
    data = bytearray(SEEDS[name])
    for _ in range(draw(st.integers(1, 4))):
        kind = draw(st.sampled_from(["flip", "cut", "insert", "repeat"]))
        at = draw(st.integers(0, max(0, len(data) - 1)))
        if kind == "flip" and data:
            data[at] = draw(st.integers(0, 255))
        elif kind == "cut":
            del data[at:]
        elif kind == "insert":
            data[at:at] = draw(st.binary(min_size=1, max_size=16))
        else:
            piece = bytes(data[at : at + draw(st.integers(1, 64))])
            data[at:at] = piece * draw(st.integers(1, 2000))
    return name, bytes(data)


@settings(
    max_examples=160,
    derandomize=True,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large, HealthCheck.function_scoped_fixture],
)
@given(mutated())
def test_mutated_files_are_refused_cleanly_or_read(case):
    name, data = case
    if data.strip():
        attempt(name, data)


# --- through /check/ ------------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_check_never_answers_5xx_to_a_hostile_file(reports_dir):
    from wenku.ingest.importer import import_paths
    from wenku.search import indexing

    import_paths([reports_dir / "2024.txt"])
    indexing.apply_pending()
    client = Client()
    suffix = {"md": ".md", "html": ".html", "txt": ".txt", "docx": ".docx", "pdf": ".pdf", "epub": ".epub"}
    for fmt, _name, data in CASES:
        if fmt not in CHECKABLE:
            continue
        COUNTS["inputs"] += 1
        started = time.monotonic()
        response = client.post("/check/", {"file": SimpleUploadedFile(f"样本{suffix[fmt]}", data)})
        if response.status_code >= 500:
            COUNTS["5xx"] += 1
        assert response.status_code < 500, (fmt, response.status_code)
        assert response.status_code in (200, 400, 413), (fmt, response.status_code)
        assert time.monotonic() - started < TIMEOUT + 5, fmt
