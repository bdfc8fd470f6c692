"""Shared by the tests of the /check page, POST /api/check and `wenku check`: a small library of real government
work reports, indexed, and a submission made of an original paragraph and passages copied from them (punctuation
changed, full-width digits, a traditional character, one passage quoted)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from tests import samples
from wenku.library.models import Document, Page

YEARS = (2024, 2023, 1998)
# Written for these tests; in no report.
ORIGINAL = (
    "春天的午后，我沿着小河慢慢散步，柳枝轻轻拂过水面，几只白鹭在浅滩上觅食。"
    "远处传来孩子们放风筝的笑声，让我想起童年时在外婆家度过的那些漫长暑假。"
)
ENDING = "写到这里，窗外的雨已经停了，晚霞把半边天空染成了橘红色。"


def load_library(reports_dir: Path) -> dict[int, Document]:
    """Import the reports of YEARS and bring the indexes (search and fingerprints) up to date."""
    from wenku.ingest.importer import ImportOptions, import_paths
    from wenku.search import indexing

    results = import_paths([reports_dir / f"{year}.txt" for year in YEARS], ImportOptions())
    assert [r.status for r in results] == ["imported"] * len(YEARS), results
    indexing.apply_pending()
    return {year: Document.objects.get(pk=r.id) for year, r in zip(YEARS, results, strict=True)}


@dataclass
class Submission:
    text: str
    copied: str  # from the 2024 report, as it stands in ``text`` (changed punctuation, full width, traditional)
    original_copied: str  # the same passage as the report has it
    quoted: str  # from the 1998 report, inside “…” in ``text``

    def without_quotes(self) -> str:
        return self.text.replace(f"“{self.quoted}”", self.quoted)


def _passage(reports_dir: Path, year: int, paragraph: int, length: int) -> str:
    body = samples.report(reports_dir, year).body()
    return body[paragraph][:length]


def to_full_width(text: str) -> str:
    """ASCII letters and digits in full width (as Chinese input methods often type them)."""
    return "".join(chr(ord(c) + 0xFEE0) if c.isascii() and c.isalnum() else c for c in text)


def make_submission(reports_dir: Path) -> Submission:
    original = _passage(reports_dir, 2024, 23, 90)
    copied = to_full_width(original).replace("，", ",").replace("；", ";").replace("国", "國", 1)
    assert "," in copied and "５" in copied and "國" in copied, "the passage should change in every way tested"
    quoted = _passage(reports_dir, 1998, 26, 60)
    text = f"{ORIGINAL}\n{copied}\n我认为，正如报告所说：“{quoted}”\n{ENDING}"
    return Submission(text, copied, original, quoted)


def core(passage: str) -> str:
    """The passage without punctuation at either end: what a match covers (matching skips punctuation)."""
    start = next(i for i, c in enumerate(passage) if c.isalnum())
    end = len(passage) - next(i for i, c in enumerate(reversed(passage)) if c.isalnum())
    return passage[start:end]


def page_text(document_id: int, number: int) -> str:
    return Page.objects.get(document_id=document_id, number=number).text
