"""Who may use which accounts page and endpoint: the owner, another user, staff, and anonymous visitors."""

from __future__ import annotations

import pytest
from django.test import Client

from tests.accounts.conftest import make_private
from wenku.accounts import tokens
from wenku.accounts.models import ApiToken, Favorite

PEOPLE = ["owner", "other", "staff", "anonymous"]


@pytest.fixture
def people(alice, bob, staff):
    return {"owner": alice, "other": bob, "staff": staff, "anonymous": None}


def client_for(people, who) -> Client:
    client = Client()
    if people[who] is not None:
        client.force_login(people[who])
    return client


def to_login(response) -> bool:
    return response.status_code == 302 and response["Location"].startswith("/accounts/login/?next=")


@pytest.mark.parametrize("who", PEOPLE)
@pytest.mark.parametrize(
    "path", ["/accounts/me/", "/accounts/favorites/", "/accounts/history/", "/accounts/email/", "/accounts/password/"]
)
def test_own_pages_need_a_login(people, who, path):
    response = client_for(people, who).get(path)
    if who == "anonymous":
        assert to_login(response)
    else:
        assert response.status_code == 200


@pytest.mark.parametrize("who", PEOPLE)
def test_a_token_can_be_revoked_by_its_owner_only(people, who):
    token, _raw = tokens.create(people["owner"])
    response = client_for(people, who).post(f"/accounts/tokens/{token.pk}/revoke/")
    expected = {"owner": 302, "other": 404, "staff": 404, "anonymous": 302}[who]
    assert response.status_code == expected
    if who == "anonymous":
        assert to_login(response)
    assert ApiToken.objects.filter(pk=token.pk).exists() == (who != "owner")


@pytest.mark.parametrize("who", PEOPLE)
def test_tokens_are_created_for_oneself(people, who):
    response = client_for(people, who).post("/accounts/tokens/", {"name": "x"})
    if who == "anonymous":
        assert to_login(response) and not ApiToken.objects.exists()
    else:
        assert response.status_code == 200
        assert ApiToken.objects.get().user == people[who]


@pytest.mark.parametrize("who", PEOPLE)
def test_favoriting_a_private_document_on_the_site(people, reports, who):
    document = make_private(reports[0], people["owner"])
    response = client_for(people, who).post(f"/accounts/favorites/{document.pk}/", {"action": "add"})
    if who == "anonymous":
        assert to_login(response)
    else:
        assert response.status_code == {"owner": 302, "other": 404, "staff": 302}[who]
    assert Favorite.objects.filter(document=document).exists() == (who in ("owner", "staff"))


@pytest.mark.parametrize("who", PEOPLE)
@pytest.mark.parametrize("method", ["post", "delete"])
def test_favoriting_a_private_document_through_the_api(people, reports, who, method):
    document = make_private(reports[0], people["owner"])
    headers = {}
    if people[who] is not None:
        headers["authorization"] = f"Bearer {tokens.create(people[who])[1]}"
    response = getattr(Client(), method)(f"/api/documents/{document.pk}/favorite", headers=headers)
    assert response.status_code == {"owner": 200, "other": 404, "staff": 200, "anonymous": 401}[who]


@pytest.mark.parametrize("who", PEOPLE)
@pytest.mark.parametrize("path", ["/api/me/favorites", "/api/me/history"])
def test_my_lists_are_my_own(people, reports, who, path):
    Favorite.objects.create(user=people["owner"], document=reports[0])
    client_for(people, "owner").get(f"/d/{reports[0].pk}/")
    response = client_for(people, who).get(path)
    if who == "anonymous":
        assert response.status_code == 401
        return
    ids = [item["id"] for item in response.json()]
    assert ids == ([reports[0].pk] if who == "owner" else [])


@pytest.mark.parametrize("who", PEOPLE)
def test_the_reading_page_shows_the_right_button(people, reports, who):
    html = client_for(people, who).get(f"/d/{reports[0].pk}/").content.decode()
    if who == "anonymous":
        assert 'href="/accounts/login/?next=' in html and 'class="favorite-form"' not in html
    else:
        assert 'class="favorite-form"' in html
