"""Session-authenticated API writes need the CSRF token; token-authenticated ones do not."""

from __future__ import annotations

from django.test import Client

from wenku.accounts import tokens


def browser(user) -> Client:
    """A client that checks CSRF like a real browser session does, with the csrftoken cookie set by a page."""
    client = Client(enforce_csrf_checks=True)
    client.force_login(user)
    client.get("/accounts/me/")
    return client


def test_a_session_write_without_the_csrf_token_is_refused(alice, reports):
    client = browser(alice)
    response = client.post(f"/api/documents/{reports[0].pk}/favorite")
    assert response.status_code == 403
    assert client.delete(f"/api/documents/{reports[0].pk}/favorite").status_code == 403
    assert not alice.favorites.exists()


def test_a_session_write_with_the_csrf_token_goes_through(alice, reports):
    client = browser(alice)
    csrf = {"x-csrftoken": client.cookies["csrftoken"].value}
    response = client.post(f"/api/documents/{reports[0].pk}/favorite", headers=csrf)
    assert response.status_code == 200 and response.json() == {"favorited": True, "count": 1}


def test_session_reads_need_no_csrf_token(alice, reports):
    assert browser(alice).get("/api/me/favorites").status_code == 200


def test_a_token_write_needs_no_csrf_token(alice, bob, reports):
    _token, raw = tokens.create(alice)
    client = browser(bob)  # even with someone's session cookie alongside: the token decides who writes
    response = client.post(f"/api/documents/{reports[0].pk}/favorite", headers={"authorization": f"Bearer {raw}"})
    assert response.status_code == 200
    assert alice.favorites.count() == 1 and not bob.favorites.exists()


def test_the_site_forms_still_check_csrf(alice, reports):
    client = browser(alice)
    assert client.post(f"/accounts/favorites/{reports[0].pk}/", {"action": "add"}).status_code == 403
    assert client.post("/accounts/tokens/", {"name": "x"}).status_code == 403
    csrf = client.cookies["csrftoken"].value
    response = client.post(f"/accounts/favorites/{reports[0].pk}/", {"action": "add", "csrfmiddlewaretoken": csrf})
    assert response.status_code == 302 and alice.favorites.count() == 1


def test_anonymous_writes_are_401_not_403(db, reports):
    assert Client(enforce_csrf_checks=True).post(f"/api/documents/{reports[0].pk}/favorite").status_code == 401
