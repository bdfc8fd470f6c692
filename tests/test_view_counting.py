"""Views count once per visitor per document per day, exactly, under concurrent requests from real threads."""

from __future__ import annotations

import datetime as dt
import threading

import pytest
from django.db import connection
from django.test import Client

from wenku.library.models import Document
from wenku.library.view_counter import count_view, forget_recent


@pytest.fixture
def report(reports_dir, transactional_db):
    from wenku.ingest.importer import import_file

    (result,) = import_file(reports_dir / "1978.txt")
    return Document.objects.get(pk=result.id)


def views_of(document: Document) -> int:
    return Document.objects.values_list("views", flat=True).get(pk=document.pk)


def test_a_visitor_counts_once_a_day(report):
    today = dt.date(2026, 11, 27)
    assert count_view(report.pk, "c:abc", today) is True
    assert count_view(report.pk, "c:abc", today) is False
    forget_recent()  # as another server process would see it
    assert count_view(report.pk, "c:abc", today) is False
    assert count_view(report.pk, "c:abc", today + dt.timedelta(days=1)) is True
    assert count_view(report.pk, "c:other", today) is True
    assert views_of(report) == 3


def test_the_cookie_keeps_a_browser_as_one_visitor(report):
    browser = Client()
    browser.get(f"/d/{report.pk}/")
    assert "wk_visitor" in browser.cookies
    browser.get(f"/d/{report.pk}/2/")
    forget_recent()
    browser.get(f"/d/{report.pk}/")
    assert views_of(report) == 1
    Client().get(f"/d/{report.pk}/", HTTP_USER_AGENT="another browser")
    assert views_of(report) == 2


def test_concurrent_requests_count_each_visitor_exactly_once(report):
    visitors, repeats = 8, 6
    barrier = threading.Barrier(visitors)
    errors: list[BaseException] = []

    def visit(number: int) -> None:
        try:
            browser = Client(HTTP_USER_AGENT=f"visitor {number}")
            barrier.wait()
            for _ in range(repeats):
                forget_recent()  # defeat the in-process memory: every request goes to the database
                response = browser.get(f"/d/{report.pk}/")
                assert response.status_code == 200, response.status_code
        except BaseException as exc:
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=visit, args=(n,)) for n in range(visitors)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not errors, errors
    assert views_of(report) == visitors
