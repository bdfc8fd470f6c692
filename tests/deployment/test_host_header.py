"""The Host header cannot choose where password-reset links point (issue 10): a request for a host the site does not
serve is refused before anything is mailed, and with WENKU_SITE_URL the mailed link is on the site URL whatever
host the request named."""

from __future__ import annotations

import re

import pytest
from django.core import mail

pytestmark = pytest.mark.django_db

SITE = "https://wenku.example.org"
RESET = "/accounts/password/reset/"


@pytest.fixture
def alice(django_user_model):
    return django_user_model.objects.create_user("alice", email="alice@example.com", password="书山有路勤为径-2024")


def ask_reset(client, host: str):
    return client.post(RESET, {"email": "alice@example.com"}, HTTP_HOST=host)


def mailed_link() -> str:
    assert len(mail.outbox) == 1, [m.body for m in mail.outbox]
    return re.search(r"(\S+/accounts/password/reset/\S+/\S+/)", mail.outbox[0].body).group(1)


def test_by_default_no_host_but_loopback_is_answered(deploy):
    assert deploy()["ALLOWED_HOSTS"] == ["localhost", "127.0.0.1", "[::1]"]  # no longer "*"


def test_a_reset_for_a_foreign_host_is_refused_and_nothing_is_mailed(client, alice, deploy):
    deploy()
    response = ask_reset(client, "evil.example.com")
    assert response.status_code == 400
    assert mail.outbox == []
    # The same request for a host the site answers to is mailed (on that host: no site URL is set).
    assert ask_reset(client, "127.0.0.1:8000").status_code == 302
    assert mailed_link().startswith("http://127.0.0.1:8000/accounts/password/reset/")


def test_with_a_site_url_the_foreign_host_is_refused_too(client, alice, deploy):
    assert deploy(WENKU_SITE_URL=SITE)["ALLOWED_HOSTS"] == ["wenku.example.org", "localhost", "127.0.0.1", "[::1]"]
    assert ask_reset(client, "evil.example.com").status_code == 400
    assert mail.outbox == []


def test_the_mailed_link_is_on_the_site_url_whatever_host_was_used(client, alice, deploy):
    deploy(WENKU_SITE_URL=SITE)
    assert ask_reset(client, "127.0.0.1:8000").status_code == 302  # an allowed host, but not the site's
    link = mailed_link()
    assert link.startswith(f"{SITE}/accounts/password/reset/"), link
    assert "127.0.0.1" not in mail.outbox[0].body
    # and the link works: it leads to the form for the new password
    opened = client.get(link.removeprefix(SITE), HTTP_HOST="wenku.example.org")
    assert opened.status_code == 302 and opened["Location"].endswith("/set-password/")


def test_even_answering_any_host_the_link_stays_on_the_site_url(client, alice, deploy):
    deploy(WENKU_SITE_URL=SITE, WENKU_ALLOWED_HOSTS="*")
    assert ask_reset(client, "evil.example.com").status_code == 302
    assert mailed_link().startswith(f"{SITE}/accounts/password/reset/")
    assert "evil" not in mail.outbox[0].body
