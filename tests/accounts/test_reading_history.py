"""Where each reader is in each document: "继续阅读 第N页" on the reading page, the history on the account page."""

from __future__ import annotations

from datetime import timedelta

from django.test import Client

from tests.accounts.conftest import make_private, page_html
from wenku.accounts.models import ReadingPosition


def logged_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_after_reading_page_3_the_document_offers_to_continue_there(alice, reports):
    document = reports[2]
    client = logged_in(alice)
    client.get(f"/d/{document.pk}/2/")
    assert "继续阅读" not in page_html(client.get(f"/d/{document.pk}/3/"))  # reading on: no link back
    html = page_html(client.get(f"/d/{document.pk}/"))
    assert f'<a class="resume-link" href="/d/{document.pk}/3/">继续阅读 第3页</a>' in html
    html = page_html(client.get(f"/d/{document.pk}/"))  # coming back to the document again still offers it
    assert "继续阅读 第3页" in html


def test_no_link_on_the_remembered_page_itself(alice, reports):
    document = reports[2]
    client = logged_in(alice)
    client.get(f"/d/{document.pk}/3/")
    assert "继续阅读" not in page_html(client.get(f"/d/{document.pk}/3/"))


def test_turning_back_a_page_offers_the_way_forward_again(alice, reports):
    document = reports[2]
    client = logged_in(alice)
    client.get(f"/d/{document.pk}/4/")
    html = page_html(client.get(f"/d/{document.pk}/2/"))
    assert f'<a class="resume-link" href="/d/{document.pk}/4/">继续阅读 第4页</a>' in html


def test_one_row_per_reader_and_document_with_the_last_page(alice, reports):
    document = reports[2]
    client = logged_in(alice)
    for number in (2, 4, 3):
        client.get(f"/d/{document.pk}/{number}/")
    position = ReadingPosition.objects.get(user=alice, document=document)
    assert position.page == 3
    before = position.updated
    client.get(f"/d/{document.pk}/2/")
    position.refresh_from_db()
    assert position.page == 2 and position.updated > before
    assert ReadingPosition.objects.count() == 1


def test_opening_page_1_keeps_a_later_page_but_reading_on_from_it_does_not(alice, reports):
    document = reports[2]
    client = logged_in(alice)
    client.get(f"/d/{document.pk}/4/")
    client.get(f"/d/{document.pk}/")
    assert ReadingPosition.objects.get().page == 4
    client.get(f"/d/{document.pk}/2/")
    assert ReadingPosition.objects.get().page == 2


def test_anonymous_reading_is_not_remembered(client, reports):
    client.get(f"/d/{reports[2].pk}/3/")
    assert not ReadingPosition.objects.exists()
    assert "继续阅读" not in page_html(client.get(f"/d/{reports[2].pk}/"))


def test_each_reader_has_their_own_place(alice, bob, reports):
    document = reports[2]
    logged_in(alice).get(f"/d/{document.pk}/3/")
    assert "继续阅读" not in page_html(logged_in(bob).get(f"/d/{document.pk}/"))


def test_the_account_page_lists_history_newest_first(alice, reports):
    client = logged_in(alice)
    client.get(f"/d/{reports[2].pk}/3/")
    client.get(f"/d/{reports[0].pk}/")
    ReadingPosition.objects.filter(document=reports[2]).update(
        updated=ReadingPosition.objects.get(document=reports[0]).updated - timedelta(hours=1)
    )
    html = page_html(client.get("/accounts/me/"))
    assert html.index(reports[0].title) < html.index(reports[2].title)
    assert f'<a class="resume-link" href="/d/{reports[2].pk}/3/">继续阅读 第3页</a>' in html
    assert reports[1].title not in html
    full = page_html(client.get("/accounts/history/"))
    assert full.index(reports[0].title) < full.index(reports[2].title)
    listed = client.get("/api/me/history").json()
    assert [(item["id"], item["page"]) for item in listed] == [(reports[0].pk, 1), (reports[2].pk, 3)]
    assert listed[1]["url"] == f"http://testserver/d/{reports[2].pk}/3/"


def test_documents_one_can_no_longer_open_drop_out_of_the_history(alice, bob, reports):
    client = logged_in(alice)
    client.get(f"/d/{reports[2].pk}/3/")
    make_private(reports[2], bob)
    assert reports[2].title not in page_html(client.get("/accounts/me/"))
    assert reports[2].title not in page_html(client.get("/accounts/history/"))
    assert client.get("/api/me/history").json() == []
    assert ReadingPosition.objects.count() == 1  # kept: it returns if the document is shared again
