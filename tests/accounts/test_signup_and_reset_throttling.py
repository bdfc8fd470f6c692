"""Registration and password-reset mails are throttled per network address (and resets per e-mail address), in the
shared store: found when tried, 30 accounts were made from one address in 9 s and reset mails were unlimited."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.test import Client

from tests.accounts.conftest import PASSWORD, page_html

TOO_MANY_ACCOUNTS = "从您的网络地址注册的账号过多，请 60 分钟后再试。"
TOO_MANY_RESETS = "重置密码的请求过于频繁，请 60 分钟后再试。"
SENT = "/accounts/password/reset/sent/"


def register(username: str, address: str = "192.0.2.10", **extra):
    data = {"username": username, "password1": PASSWORD, "password2": PASSWORD, **extra}
    return Client(REMOTE_ADDR=address).post("/accounts/register/", data)


def reset(email: str, address: str = "192.0.2.20"):
    return Client(REMOTE_ADDR=address).post("/accounts/password/reset/", {"email": email})


def usernames() -> list[str]:
    return sorted(get_user_model().objects.values_list("username", flat=True))


def test_thirty_quick_registrations_from_one_address_make_five_accounts(db):
    answers = [register(f"reader{n}").status_code for n in range(30)]
    assert answers == [302] * 5 + [429] * 25  # WENKU_REGISTRATIONS_PER_ADDRESS_HOUR, by default 5
    assert usernames() == [f"reader{n}" for n in range(5)]
    refused = register("reader99")
    assert TOO_MANY_ACCOUNTS in page_html(refused)
    assert '<form method="post"' in page_html(refused)  # the form again, as filled in
    assert register("reader99", address="192.0.2.11").status_code == 302  # another address


def test_the_registration_limit_is_a_setting_and_0_is_none(db, settings):
    settings.WENKU_REGISTRATIONS_PER_ADDRESS_HOUR = 2
    assert [register(f"a{n}").status_code for n in range(3)] == [302, 302, 429]
    settings.WENKU_REGISTRATIONS_PER_ADDRESS_HOUR = 0
    assert [register(f"b{n}").status_code for n in range(8)] == [302] * 8


def test_a_form_with_errors_does_not_count(db, settings):
    settings.WENKU_REGISTRATIONS_PER_ADDRESS_HOUR = 1
    for _ in range(3):
        assert register("carol", password2="something else").status_code == 200
    assert register("carol").status_code == 302
    assert usernames() == ["carol"]


def test_reset_mails_per_e_mail_address_stop_at_the_limit(alice, mailoutbox):
    answers = [reset("alice@example.com", address=f"192.0.2.{n}") for n in range(5)]
    assert [a.status_code for a in answers[:3]] == [302] * 3  # WENKU_PASSWORD_RESETS_PER_EMAIL_HOUR, by default 3
    assert {a["Location"] for a in answers[:3]} == {SENT}
    assert [a.status_code for a in answers[3:]] == [429, 429]
    assert TOO_MANY_RESETS in page_html(answers[4])
    assert len(mailoutbox) == 3 and {m.to[0] for m in mailoutbox} == {"alice@example.com"}
    assert reset("ALICE@example.com").status_code == 429  # the same address, however written


def test_the_answers_are_the_same_whether_or_not_an_account_has_the_address(alice, mailoutbox):
    def answers(email: str) -> list[tuple[int, str]]:
        return [(r.status_code, r.get("Location", "")) for r in (reset(email, f"198.51.100.{n}") for n in range(5))]

    assert answers("alice@example.com") == answers("nobody@example.com")
    assert len(mailoutbox) == 3  # only alice's


def test_reset_requests_per_network_address_are_limited(alice, bob, mailoutbox, settings):
    settings.WENKU_PASSWORD_RESETS_PER_ADDRESS_HOUR = 2
    assert [reset(f"someone{n}@example.com").status_code for n in range(2)] == [302, 302]
    refused = reset("alice@example.com")
    assert refused.status_code == 429 and TOO_MANY_RESETS in page_html(refused)
    assert mailoutbox == []
    assert reset("alice@example.com", address="192.0.2.99").status_code == 302  # elsewhere: alice's count unused
    assert len(mailoutbox) == 1


def test_reset_limits_are_settings_and_0_is_none(alice, mailoutbox, settings):
    settings.WENKU_PASSWORD_RESETS_PER_EMAIL_HOUR = 1
    assert [reset("alice@example.com").status_code for _ in range(2)] == [302, 429]
    settings.WENKU_PASSWORD_RESETS_PER_EMAIL_HOUR = 0
    settings.WENKU_PASSWORD_RESETS_PER_ADDRESS_HOUR = 0
    assert [reset("alice@example.com").status_code for _ in range(12)] == [302] * 12
    assert len(mailoutbox) == 13
