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


# --- made-up visitors ------------------------------------------------------------------------------------------------


def test_a_made_up_cookie_on_every_request_counts_once(report):
    import secrets

    for _ in range(30):
        forged = Client(HTTP_USER_AGENT="a script")
        forged.cookies["wk_visitor"] = secrets.token_hex(16)  # the shape the old unsigned cookie had
        assert forged.get(f"/d/{report.pk}/").status_code == 200
        forget_recent()
    assert views_of(report) == 1


def test_a_cookie_with_a_bad_signature_is_ignored(report):
    browser = Client(HTTP_USER_AGENT="a browser")
    browser.get(f"/d/{report.pk}/")
    issued = browser.cookies["wk_visitor"].value
    value, _, signature = issued.rpartition(":")
    assert value and signature
    for number in range(5):
        forged = Client(HTTP_USER_AGENT=f"agent {number}", REMOTE_ADDR="10.0.0.9")
        forged.cookies["wk_visitor"] = f"{value[:-1]}{'x' if value[-1] != 'x' else 'y'}:{signature}"
        forged.get(f"/d/{report.pk}/")
    # each forged request fell back to its own address and agent: no more than that
    assert views_of(report) == 1 + 5
    tampered = Client(HTTP_USER_AGENT="agent 0", REMOTE_ADDR="10.0.0.9")
    tampered.cookies["wk_visitor"] = f"{value}:{signature[:-2]}AA"
    forget_recent()
    tampered.get(f"/d/{report.pk}/")
    assert views_of(report) == 6


def test_an_issued_cookie_stays_one_visitor_across_networks(report):
    browser = Client(HTTP_USER_AGENT="a phone", REMOTE_ADDR="10.1.1.1")
    browser.get(f"/d/{report.pk}/")
    forget_recent()
    browser.get(f"/d/{report.pk}/", REMOTE_ADDR="10.2.2.2", HTTP_USER_AGENT="a phone")  # wifi, then mobile data
    assert views_of(report) == 1


def test_one_address_brings_at_most_the_limit_of_visitors(report, settings, reports_dir):
    from wenku.ingest.importer import import_file

    settings.WENKU_VIEWS_PER_ADDRESS = 5
    cookies = []
    for number in range(20):  # a script that changes its user agent each time
        client = Client(HTTP_USER_AGENT=f"agent {number}", REMOTE_ADDR="203.0.113.7")
        client.get(f"/d/{report.pk}/")
        cookies.append(client.cookies["wk_visitor"].value)
    assert views_of(report) == 5
    # the cookies it collected, replayed against another document from elsewhere, are still one address's
    (other_result,) = import_file(reports_dir / "2023.txt")
    other = Document.objects.get(pk=other_result.id)
    for number, cookie in enumerate(cookies):
        replay = Client(REMOTE_ADDR=f"198.51.100.{number}")
        replay.cookies["wk_visitor"] = cookie
        replay.get(f"/d/{other.pk}/")
    assert views_of(other) == 5
    # IPv6 addresses of one /64 are one address
    for number in range(10):
        Client(HTTP_USER_AGENT="v6", REMOTE_ADDR=f"2001:db8:1:2::{number + 1:x}").get(f"/d/{other.pk}/")
    assert views_of(other) == 6
    # other addresses, and logged-in readers, still count
    Client(HTTP_USER_AGENT="agent 0", REMOTE_ADDR="203.0.113.8").get(f"/d/{report.pk}/")
    assert views_of(report) == 6


def test_logged_in_readers_are_not_limited_by_address(report, settings, django_user_model):
    settings.WENKU_VIEWS_PER_ADDRESS = 1
    for number in range(3):
        reader = Client(REMOTE_ADDR="203.0.113.7")
        reader.force_login(django_user_model.objects.create_user(f"reader{number}", password="pw-long-enough-1"))
        reader.get(f"/d/{report.pk}/")
    assert views_of(report) == 3
