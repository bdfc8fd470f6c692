"""A rebuild empties only the outbox rows it has answered for.

On PostgreSQL an outbox id is handed out when a row is inserted, not when its transaction commits, so an import
that commits late can add a row with an id below the largest one a rebuild has seen. Its document was not there
when the rebuild listed the documents; had the rebuild deleted "every id up to the largest", that document would
never be indexed (seen as a search missing one of ten reports after two imports at once)."""

from __future__ import annotations

import threading

import pytest
from django.db import connection, transaction

from wenku.ingest.importer import ImportOptions, import_bytes
from wenku.library.models import DocumentChange
from wenku.search import indexing
from wenku.search.backends.base import Filters
from wenku.search.query import parse_query
from wenku.search.registry import get_backend

pytestmark = pytest.mark.django_db(transaction=True)


def _text(year: int) -> bytes:
    return f"{year}年的报告\n\n今年我们继续推进人民生活改善，第{year}号文件说明了要点。".encode()


def test_a_late_commit_below_the_largest_id_keeps_its_outbox_row():
    if connection.vendor != "postgresql":
        pytest.skip("SQLite has one writer at a time: ids are handed out in commit order (PostgreSQL pass only)")
    inserted, release, done = threading.Event(), threading.Event(), threading.Event()

    def late_import() -> None:  # another process: inserts first, commits last
        try:
            with transaction.atomic():
                import_bytes(_text(1990), "1990.txt", ImportOptions())
                inserted.set()
                release.wait(30)
        finally:
            connection.close()
            done.set()

    worker = threading.Thread(target=late_import)
    worker.start()
    assert inserted.wait(30)
    import_bytes(_text(1991), "1991.txt", ImportOptions())  # a larger outbox id, committed first

    def commit_the_late_one(_done: int, _total: int) -> None:  # after the documents were listed
        release.set()
        assert done.wait(30)

    indexing.rebuild(progress=commit_the_late_one)
    worker.join()

    assert DocumentChange.objects.count() == 1  # the late document's row is still there
    indexing.apply_pending()
    found = get_backend().search(parse_query("人民"), Filters(), "relevance", 0, 10)
    assert found.total == 2
