"""X-Forwarded-For and X-Forwarded-Proto are believed from WENKU_TRUSTED_PROXIES only (issue 10): behind the proxy
each reader keeps their own address for the limits, and links are https when the proxy spoke https to the reader.
From any other peer both headers are ignored."""

from __future__ import annotations

import ipaddress

import pytest
from django.test import Client

from wenku.accounts.models import LoginAttempt
from wenku.web.proxies import client_address

pytestmark = pytest.mark.django_db

PROXY = "10.0.0.1"
PROXIES = "10.0.0.1, 10.1.0.0/16"
HOST = "wenku.example.org"
PASSWORD = "书山有路勤为径-2024"


def through_proxy(client_ip: str, proto: str = "https", forwarded_for: str | None = None) -> dict:
    """What nginx in front (proxy_add_x_forwarded_for, $scheme) sends on for a reader at ``client_ip``."""
    return {
        "REMOTE_ADDR": PROXY,
        "HTTP_HOST": HOST,
        "HTTP_X_FORWARDED_FOR": forwarded_for or client_ip,
        "HTTP_X_FORWARDED_PROTO": proto,
    }


@pytest.fixture
def behind_proxy(deploy):
    return deploy(WENKU_ALLOWED_HOSTS=HOST, WENKU_TRUSTED_PROXIES=PROXIES)


@pytest.fixture
def report(reports_dir, import_one):
    from wenku.library.models import Document

    return Document.objects.get(pk=import_one(reports_dir / "2024.txt").id)


def log_in(username: str, password: str, **meta):
    return Client().post("/accounts/login/", {"username": username, "password": password}, **meta)


def test_the_setting_is_read_as_networks(behind_proxy):
    assert behind_proxy["WENKU_TRUSTED_PROXIES"] == ["10.0.0.1/32", "10.1.0.0/16"]


@pytest.mark.parametrize(
    ("header", "client"),
    [
        ("203.0.113.7", "203.0.113.7"),
        ("203.0.113.7, 10.1.2.3", "203.0.113.7"),  # through two trusted proxies
        ("1.2.3.4, 203.0.113.7", "203.0.113.7"),  # 1.2.3.4 is what the reader wrote: not believed
        ("1.2.3.4, 203.0.113.7, 10.1.2.3", "203.0.113.7"),
        ("[2001:db8::5]:4711, 10.1.2.3", "2001:db8::5"),
        ("10.1.0.9, 10.1.2.3", "10.1.0.9"),  # all trusted: the leftmost
        ("garbage, 10.1.2.3", "10.1.2.3"),  # cannot be read: the last address a trusted proxy wrote
    ],
)
def test_the_client_is_the_first_untrusted_address_from_the_right(header, client):
    proxies = (ipaddress.ip_network("10.0.0.1"), ipaddress.ip_network("10.1.0.0/16"))
    assert str(client_address(header, proxies)) == client


def test_two_readers_behind_the_proxy_do_not_share_the_address_limit(django_user_model, settings, behind_proxy):
    django_user_model.objects.create_user("alice", password=PASSWORD)
    settings.WENKU_LOGIN_FAILURES_PER_ADDRESS = 3
    for name in ("x1", "x2", "x3"):  # three names: the per-name limit stays out of it
        assert log_in(name, "wrong", **through_proxy("203.0.113.7")).status_code == 200
    assert set(LoginAttempt.objects.values_list("address", flat=True)) == {"203.0.113.7"}
    # The first reader is at its address limit, even with the right password and a made-up address in front ...
    assert log_in("alice", PASSWORD, **through_proxy("203.0.113.7")).status_code == 200
    assert log_in("alice", PASSWORD, **through_proxy("", forwarded_for="198.51.100.1, 203.0.113.7")).status_code == 200
    # ... while the second reader, through the same proxy, logs in.
    assert log_in("alice", PASSWORD, **through_proxy("198.51.100.9")).status_code == 302


def test_forwarded_headers_from_an_untrusted_peer_are_ignored(django_user_model, settings, behind_proxy):
    settings.WENKU_LOGIN_FAILURES_PER_ADDRESS = 3
    spoofing = {**through_proxy("203.0.113.7"), "REMOTE_ADDR": "192.0.2.50"}
    for name in ("x1", "x2", "x3"):
        log_in(name, "wrong", **{**spoofing, "HTTP_X_FORWARDED_FOR": f"198.51.100.{len(name)}{name[-1]}"})
    assert set(LoginAttempt.objects.values_list("address", flat=True)) == {"192.0.2.50"}
    django_user_model.objects.create_user("alice", password=PASSWORD)
    assert log_in("alice", PASSWORD, **spoofing).status_code == 200  # a new X-Forwarded-For did not help


def test_links_are_https_behind_an_https_proxy(client, report, behind_proxy):
    page = f"/d/{report.pk}/2/"
    html = client.get(page, **through_proxy("203.0.113.7")).content.decode()
    assert f'<link rel="canonical" href="https://{HOST}{page}">' in html
    api = client.get(f"/api/documents/{report.pk}", **through_proxy("203.0.113.7")).json()
    assert api["url"] == f"https://{HOST}/d/{report.pk}/"
    assert api["downloads"] and all(u.startswith(f"https://{HOST}/") for u in api["downloads"].values())
    qr = client.get(f"{page}qr.svg", **through_proxy("203.0.113.7")).content.decode()
    from wenku.web.views.share import qr_svg

    assert qr == qr_svg(f"https://{HOST}{page}") != qr_svg(f"http://{HOST}{page}")


def test_an_untrusted_peer_cannot_make_links_https(client, report, behind_proxy):
    page = f"/d/{report.pk}/2/"
    html = client.get(page, **{**through_proxy("203.0.113.7"), "REMOTE_ADDR": "192.0.2.50"}).content.decode()
    assert f'<link rel="canonical" href="http://{HOST}{page}">' in html


def test_a_cached_page_is_not_served_with_another_schemes_links(client, report, behind_proxy):
    """Anonymous reading pages are cached; the cache must not hand an http page to an https reader."""
    page = f"/d/{report.pk}/2/"
    plain = client.get(page, **through_proxy("203.0.113.7", proto="http")).content.decode()
    secure = client.get(page, **through_proxy("203.0.113.8", proto="https")).content.decode()
    assert f'href="http://{HOST}{page}"' in plain and f'href="https://{HOST}{page}"' in secure


def test_view_counts_see_each_reader_behind_the_proxy(client, report, behind_proxy, settings):
    from wenku.library.models import Document

    settings.WENKU_VIEWS_PER_ADDRESS = 1
    for reader in ("203.0.113.7", "203.0.113.7", "198.51.100.9"):  # no cookie kept: counted by address and agent
        Client().get(f"/d/{report.pk}/2/", **through_proxy(reader), HTTP_USER_AGENT=f"agent-{reader}-{id(reader)}")
    assert Document.objects.get(pk=report.pk).views == 2  # one per address: the proxy's address would give 1
