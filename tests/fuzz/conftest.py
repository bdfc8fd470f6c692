"""Fuzzing fixtures: a small real library (documents, people, tokens, a pending upload, a report) and a tally of the
inputs tried and the server errors seen, printed at the end of the run."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

import pytest

from wenku.library.models import Category, Document, Status, Visibility

PASSWORD = "书山有路勤为径-2024"  # passes the site's password validators

# Inputs tried and 5xx seen per suite, for the terminal summary (one process runs one database). Tests reach it
# through the fuzz_tally fixture: importing this file by name would load a second copy with a tally of its own.
TALLY: dict[str, Counter] = {}


@pytest.fixture(scope="session")
def fuzz_tally():
    """``fuzz_tally(suite)``: the counter of that suite, with keys "inputs" and "5xx"."""
    return lambda suite: TALLY.setdefault(suite, Counter())


def pytest_terminal_summary(terminalreporter):
    if not TALLY:
        return
    from django.db import connection

    terminalreporter.section(f"fuzzing ({connection.vendor})")
    for suite, counts in sorted(TALLY.items()):
        terminalreporter.write_line(f"{suite}: {counts['inputs']} inputs tried, {counts['5xx']} answered 5xx")


@dataclass
class Library:
    """The real rows path parameters are filled from."""

    documents: list[Document]
    pending: Document
    member: object
    staff: object
    member_token: str
    staff_token: str
    values: dict[str, list[str]] = field(default_factory=dict)  # path parameter name -> real values


@pytest.fixture
def library(reports_dir, db, django_user_model) -> Library:
    """Three government work reports (one public, one private and one unlisted of the member's), a member's pending
    upload, the member's favorite, reading place, token and report, and a staff member (a superuser, so that the
    admin opens) with a token of their own."""
    from wenku.accounts import tokens
    from wenku.accounts.models import Favorite, ReadingPosition
    from wenku.ingest.importer import ImportOptions, import_paths
    from wenku.search import indexing
    from wenku.uploads.models import Report

    member = django_user_model.objects.create_user("fuzz-member", password=PASSWORD, email="m@example.com")
    staff = django_user_model.objects.create_user("fuzz-staff", password=PASSWORD, is_staff=True, is_superuser=True)
    paths = [reports_dir / f"{year}.txt" for year in (1975, 2024, 1960)]
    results = import_paths(paths, ImportOptions(category="政府工作报告"))
    documents = [Document.objects.get(pk=r.id) for r in results]
    Document.objects.filter(pk=documents[0].pk).update(visibility=Visibility.PRIVATE, uploader=member)
    Document.objects.filter(pk=documents[2].pk).update(visibility=Visibility.UNLISTED, uploader=member)
    for document in documents:
        document.refresh_from_db()
    (pending_result,) = import_paths(
        [reports_dir / "1980.txt"],
        ImportOptions(uploader_id=member.pk, status=Status.PENDING, category="待审"),
    )
    pending = Document.objects.get(pk=pending_result.id)
    indexing.apply_pending()

    Favorite.objects.create(user=member, document=documents[1])
    ReadingPosition.objects.create(user=member, document=documents[1], page=2)
    Report.objects.create(document=documents[1], reporter=member, reason=Report.Reason.OTHER, detail="举报说明")
    member_token_row, member_token = tokens.create(member, "脚本")
    staff_token_row, staff_token = tokens.create(staff, "staff")

    ids = [str(d.pk) for d in [*documents, pending]]
    values = {
        "document_id": ids,
        "object_id": [*ids, str(member.pk), str(staff.pk)],
        "id": [str(member.pk), str(staff.pk)],
        "number": ["1", "2", "3", str(documents[1].page_count)],
        "token_id": [str(member_token_row.pk), str(staff_token_row.pk)],
        "slug": list(Category.objects.values_list("slug", flat=True)),
        "fmt": ["original", "txt", "docx", "epub"],
        "section": ["pages"],
        "app_label": ["library", "accounts", "uploads", "search", "checking", "auth"],
        "content_type_id": ["1", "7"],
    }
    keys = [getattr(d, "access_key", None) for d in [*documents, pending]]
    values["key"] = [k for k in keys if k]
    return Library(documents, pending, member, staff, member_token, staff_token, values)
