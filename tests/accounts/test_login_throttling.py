"""At most 5 failed logins per username (20 per address) in 15 minutes, counted in the database."""

from __future__ import annotations

from datetime import timedelta

from django.test import Client

from tests.accounts.conftest import PASSWORD, page_html
from wenku.accounts.models import LoginAttempt

REFUSED = "登录失败次数过多，请 15 分钟后再试。"


def attempt(username="alice", password=PASSWORD, address="10.0.0.1", client=None):
    client = client or Client(REMOTE_ADDR=address)
    return client.post("/accounts/login/", {"username": username, "password": password})


def fail(times: int, username="alice", address="10.0.0.1"):
    for _ in range(times):
        response = attempt(username, "wrong-password", address)
        assert response.status_code == 200 and REFUSED not in page_html(response)


def logged_in(response) -> bool:
    return response.status_code == 302


def test_five_failures_lock_the_username_even_for_the_right_password(alice):
    fail(5)
    response = attempt()
    assert not logged_in(response)
    assert REFUSED in page_html(response)
    assert not logged_in(attempt(address="10.9.9.9"))  # from anywhere: it is the username that is locked


def test_four_failures_do_not(alice):
    fail(4)
    assert logged_in(attempt())


def test_the_lock_is_per_username_and_case_blind(alice, bob):
    fail(5, username="ALICE")
    assert REFUSED in page_html(attempt("alice"))
    assert logged_in(attempt("bob"))


def test_a_success_forgets_the_failures(alice):
    fail(4)
    assert logged_in(attempt())
    fail(4)  # 8 in the window, but only 4 since the success
    assert logged_in(attempt())


def test_the_lock_ends_after_the_window(alice):
    fail(5)
    assert not logged_in(attempt())
    LoginAttempt.objects.update(created=LoginAttempt.objects.first().created - timedelta(minutes=14))
    assert REFUSED.replace("15", "1") in page_html(attempt())  # a minute to go
    LoginAttempt.objects.update(created=LoginAttempt.objects.first().created - timedelta(minutes=2))
    assert logged_in(attempt())
    assert not LoginAttempt.objects.exists()  # old rows are pruned, the success cleared the rest


def test_knocking_on_a_locked_door_does_not_keep_it_locked(alice):
    fail(5)
    for _ in range(3):
        attempt(password="wrong-again")
    assert LoginAttempt.objects.count() == 5


def test_twenty_failures_from_one_address_lock_that_address(make_user):
    make_user("carol")
    for n in range(4):
        fail(5, username=f"guess{n}", address="10.0.0.7")
    assert REFUSED in page_html(attempt("carol", address="10.0.0.7"))
    assert logged_in(attempt("carol", address="10.0.0.8"))


def test_the_admin_login_counts_and_obeys_the_same_limit(make_user):
    make_user("boss", is_staff=True, is_superuser=True)
    client = Client(REMOTE_ADDR="10.0.0.1")
    for _ in range(5):
        client.post("/admin/login/", {"username": "boss", "password": "wrong-password"})
    assert LoginAttempt.objects.filter(username="boss").count() == 5
    response = client.post("/admin/login/?next=/admin/", {"username": "boss", "password": PASSWORD})
    assert response.status_code == 200 and "_auth_user_id" not in client.session
    assert REFUSED in page_html(attempt("boss"))


def test_password_confirmations_count_too(client, alice):
    client.force_login(alice)
    for _ in range(5):
        client.post("/accounts/email/", {"email": "x@example.com", "password": "wrong-password"})
    response = client.post("/accounts/email/", {"email": "x@example.com", "password": PASSWORD})
    assert REFUSED in page_html(response)
    alice.refresh_from_db()
    assert alice.email == "alice@example.com"


def test_the_message_is_english_on_an_english_site(alice, settings):
    settings.LANGUAGE_CODE, settings.LANGUAGES = "en", [("en", "English")]  # WENKU_LANGUAGE=en
    fail(5)
    client = Client(REMOTE_ADDR="10.0.0.1", headers={"accept-language": "zh-hans"})
    response = attempt(client=client)
    assert "Too many failed logins. Please try again in 15 minutes." in page_html(response)
