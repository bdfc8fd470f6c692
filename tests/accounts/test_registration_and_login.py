"""Registering, logging in (remember me or not), logging out and passwords, through the real client and views."""

from __future__ import annotations

import re

import pytest
from django.contrib.auth import get_user_model
from django.core import mail
from django.core.management import call_command
from django.test import Client

from tests.accounts.conftest import PASSWORD, page_html

User = get_user_model()


def session_cookie(response):
    return response.cookies["sessionid"]


def login(client, username="alice", password=PASSWORD, **extra):
    return client.post("/accounts/login/", {"username": username, "password": password, **extra})


def test_registering_creates_the_user_and_logs_them_in(client, db):
    form = page_html(client.get("/accounts/register/"))
    for name in ("username", "password1", "password2"):
        assert f'name="{name}"' in form
    response = client.post("/accounts/register/", {"username": "读者甲", "password1": PASSWORD, "password2": PASSWORD})
    assert response.status_code == 302 and response["Location"] == "/accounts/me/"
    assert User.objects.get(username="读者甲").check_password(PASSWORD)
    assert session_cookie(response)["max-age"] == ""  # a new account's session ends with the browser
    account = page_html(client.get("/accounts/me/"))
    assert "读者甲" in account and "欢迎，读者甲！账户已创建。" in account


def test_registration_errors_are_in_chinese(client, alice):
    response = client.post("/accounts/register/", {"username": "ALICE", "password1": PASSWORD, "password2": PASSWORD})
    assert response.status_code == 200 and "已存在一位使用该名字的用户。" in page_html(response)
    response = client.post("/accounts/register/", {"username": "carol", "password1": PASSWORD, "password2": "x"})
    assert "输入的两个密码不一致。" in page_html(response)
    response = client.post(
        "/accounts/register/", {"username": "carol", "password1": "12345678", "password2": "12345678"}
    )
    assert "这个密码太常见了。" in page_html(response)
    assert not User.objects.filter(username="carol").exists()


def test_registration_goes_on_to_a_safe_next_only(client, db):
    data = {"password1": PASSWORD, "password2": PASSWORD}
    response = client.post("/accounts/register/", {"username": "carol", "next": "/about/", **data})
    assert response["Location"] == "/about/"
    response = Client().post("/accounts/register/", {"username": "dave", "next": "https://evil.example/", **data})
    assert response["Location"] == "/accounts/me/"


def test_remember_me_keeps_the_session_for_30_days(client, alice):
    response = login(client, remember_me="on")
    assert response.status_code == 302
    cookie = session_cookie(response)
    assert int(cookie["max-age"]) == 30 * 24 * 3600
    assert cookie["expires"]
    assert client.session.get_expiry_age() == 30 * 24 * 3600


def test_without_remember_me_the_session_ends_with_the_browser(client, alice):
    response = login(client)
    assert response.status_code == 302
    cookie = session_cookie(response)
    assert cookie.value and cookie["max-age"] == "" and cookie["expires"] == ""
    assert client.session.get_expire_at_browser_close()


def test_login_goes_to_next_when_it_is_safe(client, alice):
    assert login(client, next="/d/1/")["Location"] == "/d/1/"
    assert login(Client(), next="https://evil.example/")["Location"] == "/accounts/me/"


def test_a_wrong_password_is_refused_in_chinese(client, alice):
    response = login(client, password="not-the-password")
    assert response.status_code == 200
    assert "请输入一个正确的用户名和密码。" in page_html(response)
    assert "_auth_user_id" not in client.session


@pytest.mark.parametrize("path", ["/accounts/login/", "/accounts/register/", "/accounts/password/reset/"])
def test_account_pages_carry_the_site_name(client, db, settings, path):
    settings.WENKU_SITE_NAME = "测试文库"
    html = page_html(client.get(path))
    assert re.search(r"<title>[^<]+ - 测试文库</title>", html)
    assert '<a class="brand" href="/">测试文库</a>' in html


def test_pages_speak_the_sites_one_language_to_every_browser(client, alice, settings):
    """An English browser still gets Chinese messages in the Chinese pages; WENKU_LANGUAGE=en makes them English."""
    assert "记住我（30 天内免登录）" in page_html(client.get("/accounts/login/", headers={"accept-language": "en"}))
    assert "记住我（30 天内免登录）" in page_html(Client().get("/accounts/login/"))
    settings.LANGUAGE_CODE, settings.LANGUAGES = "en", [("en", "English")]
    assert "Remember me for 30 days" in page_html(Client().get("/accounts/login/"))


def test_logging_out_takes_a_post(client, alice):
    client.force_login(alice)
    assert client.get("/accounts/logout/").status_code == 405
    assert "_auth_user_id" in client.session
    response = client.post("/accounts/logout/")
    assert response.status_code == 302 and response["Location"] == "/"
    assert client.get("/accounts/me/").status_code == 302


def test_changing_the_password_keeps_the_reader_logged_in(client, alice):
    login(client)
    new = "春眠不觉晓-处处闻啼鸟"
    wrong = client.post("/accounts/password/", {"old_password": "nope", "new_password1": new, "new_password2": new})
    assert "你的旧密码不正确。请重新输入。" in page_html(wrong)
    response = client.post(
        "/accounts/password/", {"old_password": PASSWORD, "new_password1": new, "new_password2": new}
    )
    assert response.status_code == 302 and response["Location"] == "/accounts/me/"
    assert "密码已修改。" in page_html(client.get("/accounts/me/"))
    alice.refresh_from_db()
    assert alice.check_password(new)
    assert login(Client(), password=new).status_code == 302


def test_resetting_the_password_by_e_mail(client, alice, settings):
    settings.WENKU_SITE_NAME = "测试文库"
    response = client.post("/accounts/password/reset/", {"email": "ALICE@example.com"})
    assert response.status_code == 302 and response["Location"] == "/accounts/password/reset/sent/"
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["alice@example.com"]
    assert message.subject == "重设您在测试文库的密码"
    link = re.search(r"http://testserver(/accounts/password/reset/\S+/\S+/)", message.body).group(1)
    form = client.get(link, follow=True)
    assert 'name="new_password1"' in page_html(form)
    new = "海内存知己-天涯若比邻"
    done = client.post(form.redirect_chain[-1][0], {"new_password1": new, "new_password2": new})
    assert done["Location"] == "/accounts/password/reset/done/"
    assert login(Client(), password=new).status_code == 302
    assert "这个链接无效" in page_html(client.get(link, follow=True))  # used once


def test_no_mail_for_an_unknown_address(client, alice):
    response = client.post("/accounts/password/reset/", {"email": "nobody@example.com"})
    assert response.status_code == 302  # the same answer: addresses are not disclosed
    assert mail.outbox == []


def test_changing_the_e_mail_address_asks_for_the_password(client, alice):
    client.force_login(alice)
    wrong = client.post("/accounts/email/", {"email": "new@example.com", "password": "nope"})
    assert "密码不正确。" in page_html(wrong)
    response = client.post("/accounts/email/", {"email": "new@example.com", "password": PASSWORD})
    assert response["Location"] == "/accounts/me/"
    alice.refresh_from_db()
    assert alice.email == "new@example.com"


def test_new_passwords_are_hashed_with_argon2(client, db, settings):
    from wenku import settings as production

    settings.PASSWORD_HASHERS = production.PASSWORD_HASHERS  # the test settings use MD5 for speed
    client.post("/accounts/register/", {"username": "carol", "password1": PASSWORD, "password2": PASSWORD})
    assert User.objects.get(username="carol").password.startswith("argon2$")


def test_older_hashes_still_verify_and_are_upgraded(db, settings):
    from django.contrib.auth.hashers import make_password

    from wenku import settings as production

    settings.PASSWORD_HASHERS = production.PASSWORD_HASHERS
    User.objects.create(username="old", password=make_password(PASSWORD, hasher="pbkdf2_sha256"))
    response = login(Client(), username="old")
    assert response.status_code == 302
    assert User.objects.get(username="old").password.startswith("argon2$")


def test_createsuperuser_noinput_takes_the_password_from_the_environment(db, monkeypatch):
    """Here in-process, on the test database; test_tokens.py runs it through the `wenku` command too."""
    monkeypatch.setenv("DJANGO_SUPERUSER_PASSWORD", PASSWORD)
    call_command("createsuperuser", "--noinput", "--username", "root", "--email", "root@example.com", verbosity=0)
    root = User.objects.get(username="root")
    assert root.is_superuser and root.is_staff and root.check_password(PASSWORD)
    assert login(Client(), username="root").status_code == 302


@pytest.mark.parametrize("path", ["/accounts/login/", "/accounts/register/"])
def test_a_logged_in_reader_is_sent_on(client, alice, path):
    client.force_login(alice)
    response = client.get(path)
    assert response.status_code == 302 and response["Location"] == "/accounts/me/"


def test_the_header_shows_who_is_logged_in(client, alice, reports):
    anonymous = page_html(client.get(f"/d/{reports[0].pk}/"))
    assert f'href="/accounts/login/?next=/d/{reports[0].pk}/"' in anonymous and "注册" in anonymous
    client.force_login(alice)
    html = page_html(client.get(f"/d/{reports[0].pk}/"))
    assert 'href="/accounts/me/">alice</a>' in html and 'action="/accounts/logout/"' in html
