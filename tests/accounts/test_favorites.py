"""加入收藏 on reading pages, 我的收藏, and the favorites API; documents one may not open are 404s."""

from __future__ import annotations

from django.test import Client

from tests.accounts.conftest import make_private, page_html
from wenku.accounts.models import Favorite


def logged_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_anonymous_readers_are_sent_to_log_in(client, reports, bob):
    document = reports[0]
    Favorite.objects.create(user=bob, document=document)
    html = page_html(client.get(f"/d/{document.pk}/"))
    assert f'<a class="favorite-button" href="/accounts/login/?next=/d/{document.pk}/"' in html
    assert '☆ 加入收藏 <span class="favorite-count">1</span>' in html
    response = client.post(f"/accounts/favorites/{document.pk}/", {"action": "add"})
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")
    assert Favorite.objects.count() == 1


def test_the_button_adds_and_removes_and_goes_back(alice, bob, reports):
    document = reports[2]
    client = logged_in(alice)
    page = f"/d/{document.pk}/2/"
    html = page_html(client.get(page))
    assert "☆ 加入收藏" in html and "data-count>0</span>" in html and 'name="csrfmiddlewaretoken"' in html
    response = client.post(f"/accounts/favorites/{document.pk}/", {"action": "add", "next": page})
    assert response.status_code == 302 and response["Location"] == page
    html = page_html(client.get(page))
    assert "★ 已收藏" in html and "data-count>1</span>" in html and 'name="action" value="remove"' in html
    logged_in(bob).post(f"/accounts/favorites/{document.pk}/", {"action": "add"})
    assert "data-count>2</span>" in page_html(client.get(page))
    client.post(f"/accounts/favorites/{document.pk}/", {"action": "remove", "next": page})
    html = page_html(client.get(page))
    assert "☆ 加入收藏" in html and "data-count>1</span>" in html


def test_adding_twice_is_one_favorite(alice, reports):
    client = logged_in(alice)
    for _ in range(2):
        client.post(f"/accounts/favorites/{reports[0].pk}/", {"action": "add"})
    assert Favorite.objects.filter(user=alice).count() == 1


def test_going_back_only_to_this_site(alice, reports):
    document = reports[0]
    response = logged_in(alice).post(
        f"/accounts/favorites/{document.pk}/", {"action": "add", "next": "https://evil.example/"}
    )
    assert response["Location"] == f"/d/{document.pk}/"


def test_my_favorites_page_lists_them_newest_first(alice, reports):
    client = logged_in(alice)
    for document in (reports[0], reports[2]):
        client.post(f"/accounts/favorites/{document.pk}/", {"action": "add"})
    html = page_html(client.get("/accounts/favorites/"))
    assert html.index(reports[2].title) < html.index(reports[0].title)
    assert reports[1].title not in html
    account = page_html(client.get("/accounts/me/"))
    assert reports[0].title in account and reports[2].title in account


def test_the_favorites_api(alice, reports):
    client = logged_in(alice)
    first, second = reports[0], reports[1]
    assert client.get("/api/me/favorites").json() == []
    csrf = _csrf(client)
    assert client.post(f"/api/documents/{first.pk}/favorite", headers=csrf).json() == {"favorited": True, "count": 1}
    assert client.post(f"/api/documents/{first.pk}/favorite", headers=csrf).json() == {"favorited": True, "count": 1}
    client.post(f"/api/documents/{second.pk}/favorite", headers=csrf)
    listed = client.get("/api/me/favorites").json()
    assert [item["id"] for item in listed] == [second.pk, first.pk]
    assert set(listed[0]) == {"id", "title", "url", "favorited_at"}
    assert listed[1]["title"] == first.title and listed[1]["url"] == f"http://testserver/d/{first.pk}/"
    response = client.delete(f"/api/documents/{first.pk}/favorite", headers=csrf)
    assert response.json() == {"favorited": False, "count": 0}
    assert [item["id"] for item in client.get("/api/me/favorites").json()] == [second.pk]


def test_private_documents_of_others_are_404(alice, bob, reports):
    document = make_private(reports[0], bob)
    client = logged_in(alice)
    assert client.post(f"/accounts/favorites/{document.pk}/", {"action": "add"}).status_code == 404
    assert client.post(f"/api/documents/{document.pk}/favorite", headers=_csrf(client)).status_code == 404
    assert client.delete(f"/api/documents/{document.pk}/favorite", headers=_csrf(client)).status_code == 404
    assert not Favorite.objects.exists()
    owner = logged_in(bob)
    assert owner.post(f"/api/documents/{document.pk}/favorite", headers=_csrf(owner)).status_code == 200


def test_a_favorite_that_became_private_is_no_longer_listed(alice, bob, reports):
    client = logged_in(alice)
    client.post(f"/accounts/favorites/{reports[0].pk}/", {"action": "add"})
    make_private(reports[0], bob)
    assert reports[0].title not in page_html(client.get("/accounts/favorites/"))
    assert reports[0].title not in page_html(client.get("/accounts/me/"))
    assert client.get("/api/me/favorites").json() == []


def test_unknown_and_huge_ids_are_404(alice, reports):
    client = logged_in(alice)
    for document_id in ("999999", "9" * 15):
        assert client.post(f"/accounts/favorites/{document_id}/").status_code == 404
        assert client.post(f"/api/documents/{document_id}/favorite", headers=_csrf(client)).status_code == 404
    for too_long in ("9" * 30, "9" * 40):  # 30 digits could be an unlisted document's key: no such key either
        assert client.post(f"/accounts/favorites/{too_long}/").status_code == 404
    assert client.post(f"/api/documents/{'9' * 30}/favorite", headers=_csrf(client)).status_code == 404
    assert client.post(f"/api/documents/{'9' * 40}/favorite", headers=_csrf(client)).status_code == 422


def _csrf(client: Client) -> dict:
    """The test client does not check CSRF unless asked (test_csrf.py does); sent anyway, as a browser would."""
    client.get("/accounts/me/")
    return {"x-csrftoken": client.cookies["csrftoken"].value}
