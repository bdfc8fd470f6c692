"""An https site URL (issue 10): Secure session and CSRF cookies, HSTS on https responses, and the login and admin
forms still pass Django's CSRF origin check behind a TLS-terminating proxy that talks plain http to Wenku."""

from __future__ import annotations

import re

import pytest
from django.test import Client

pytestmark = pytest.mark.django_db

SITE = "https://wenku.example.org"
PROXY = "127.0.0.1"
PASSWORD = "书山有路勤为径-2024"


def through_proxy(host: str = "wenku.example.org", proto: str = "https") -> dict:
    return {
        "REMOTE_ADDR": PROXY,
        "HTTP_HOST": host,
        "HTTP_X_FORWARDED_FOR": "203.0.113.7",
        "HTTP_X_FORWARDED_PROTO": proto,
    }


@pytest.fixture
def https_site(deploy):
    return deploy(WENKU_SITE_URL=SITE, WENKU_TRUSTED_PROXIES=PROXY)


@pytest.fixture
def staff(django_user_model):
    return django_user_model.objects.create_user("editor", password=PASSWORD, is_staff=True, is_superuser=True)


def post_form(path: str, fields: dict, origin: str = SITE, **meta):
    """GET the form, then POST it with its CSRF token as a browser does (cookie, hidden field, Origin header)."""
    client = Client(enforce_csrf_checks=True)
    page = client.get(path, **meta)
    assert page.status_code == 200
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.content.decode()).group(1)
    return client.post(path, {**fields, "csrfmiddlewaretoken": token}, HTTP_ORIGIN=origin, **meta), page


def test_the_settings_of_an_https_site(https_site, deploy):
    assert https_site["SESSION_COOKIE_SECURE"] and https_site["CSRF_COOKIE_SECURE"]
    assert https_site["SECURE_HSTS_SECONDS"] == 365 * 24 * 3600
    assert https_site["CSRF_TRUSTED_ORIGINS"] == [SITE]
    assert deploy(WENKU_SITE_URL=SITE, WENKU_HSTS_SECONDS="0")["SECURE_HSTS_SECONDS"] == 0
    plain = deploy(WENKU_SITE_URL="http://wenku.example.org:8000")
    assert not plain["SESSION_COOKIE_SECURE"] and not plain["CSRF_COOKIE_SECURE"] and not plain["SECURE_HSTS_SECONDS"]


def test_cookies_are_secure_and_hsts_is_sent(https_site, staff):
    response, page = post_form("/accounts/login/", {"username": "editor", "password": PASSWORD}, **through_proxy())
    assert response.status_code == 302, response.content.decode()[:2000]
    assert response.cookies["sessionid"]["secure"] and page.cookies["csrftoken"]["secure"]
    assert response.cookies["sessionid"]["httponly"]
    assert page["Strict-Transport-Security"] == "max-age=31536000"


def test_no_hsts_on_a_plain_http_response(https_site, client):
    assert "Strict-Transport-Security" not in client.get("/about/", **through_proxy(proto="http"))


def test_no_hsts_without_https_site_url(deploy, client):
    deploy(WENKU_ALLOWED_HOSTS="wenku.example.org", WENKU_TRUSTED_PROXIES=PROXY)
    assert "Strict-Transport-Security" not in client.get("/about/", **through_proxy())


def test_the_admin_login_works_behind_the_https_proxy(https_site, staff):
    response, _ = post_form(
        "/admin/login/?next=/admin/", {"username": "editor", "password": PASSWORD}, **through_proxy()
    )
    assert response.status_code == 302 and response["Location"] == "/admin/"


def test_a_proxy_that_does_not_pass_the_host_on_still_works(https_site, staff):
    """The site URL's origin is CSRF-trusted: Host 127.0.0.1:8000 and Origin https://wenku.example.org agree."""
    response, _ = post_form(
        "/accounts/login/", {"username": "editor", "password": PASSWORD}, **through_proxy("127.0.0.1:8000")
    )
    assert response.status_code == 302


def test_without_trusting_the_proxy_the_https_origin_is_refused(deploy, staff):
    """What happened before: the proxy's https was not seen, so the browser's https Origin did not match."""
    deploy(WENKU_ALLOWED_HOSTS="wenku.example.org")  # the proxy is not trusted, and no site URL is set
    response, _ = post_form("/accounts/login/", {"username": "editor", "password": PASSWORD}, **through_proxy())
    assert response.status_code == 403


def test_a_foreign_origin_is_still_refused(https_site, staff):
    response, _ = post_form(
        "/accounts/login/",
        {"username": "editor", "password": PASSWORD},
        origin="https://evil.example.com",
        **through_proxy(),
    )
    assert response.status_code == 403
