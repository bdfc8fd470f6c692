"""A password change or reset, by any road, ends the user's API tokens (and, as Django does, their other
sessions); so does deactivating the account. A login that only re-hashes the password keeps them."""

from __future__ import annotations

import pytest
from django.contrib.auth.tokens import default_token_generator
from django.test import Client
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from tests.accounts.conftest import PASSWORD
from wenku.accounts import tokens
from wenku.accounts.models import ApiToken

NEW_PASSWORD = "千里之行始于足下-2025"


def works(raw: str) -> bool:
    status = Client().get("/api/me/favorites", headers={"authorization": f"Bearer {raw}"}).status_code
    assert status in (200, 401), status
    return status == 200


@pytest.fixture
def token(alice) -> str:
    _, raw = tokens.create(alice, "脚本")
    assert works(raw)
    return raw


def logged_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def is_logged_in(client: Client) -> bool:
    return client.get("/accounts/me/").status_code == 200


def test_changing_the_password_on_the_site_ends_tokens_and_other_sessions(alice, token):
    here, elsewhere = logged_in(alice), logged_in(alice)
    response = here.post(
        "/accounts/password/",
        {"old_password": PASSWORD, "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
    )
    assert response.status_code == 302, response.content[:300]
    assert not works(token)
    assert not ApiToken.objects.filter(user=alice).exists()  # gone from the account page too
    assert is_logged_in(here) and not is_logged_in(elsewhere)


def test_a_password_reset_ends_tokens(alice, token):
    session = logged_in(alice)
    link = f"/accounts/password/reset/{urlsafe_base64_encode(force_bytes(alice.pk))}/"
    link += f"{default_token_generator.make_token(alice)}/"
    browser = Client()
    form = browser.get(link, follow=True)
    assert form.status_code == 200
    response = browser.post(form.redirect_chain[-1][0], {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD})
    assert response.status_code == 302, response.content[:300]
    assert not works(token)
    assert not is_logged_in(session)


def test_staff_setting_a_password_in_the_admin_ends_tokens(alice, token, make_user):
    admin = logged_in(make_user("root", is_staff=True, is_superuser=True))
    response = admin.post(
        f"/admin/auth/user/{alice.pk}/password/",
        {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD, "usable_password": "true"},
    )
    assert response.status_code == 302, response.content[:500]
    assert not works(token)


def test_set_password_anywhere_ends_tokens(alice, token):
    # what `wenku changepassword`, `createsuperuser` and any other code do
    alice.set_password(NEW_PASSWORD)
    alice.save()
    assert not works(token)


def test_deactivating_ends_tokens_for_good(alice, token):
    session = logged_in(alice)
    alice.is_active = False
    alice.save()
    assert not works(token)
    assert not is_logged_in(session)
    alice.is_active = True
    alice.save()
    assert not works(token)  # reactivating does not bring the old tokens back


def test_ordinary_saves_and_logins_keep_tokens(alice, token, settings):
    alice.email = "new@example.com"
    alice.save()
    assert Client().post("/accounts/login/", {"username": "alice", "password": PASSWORD}).status_code == 302
    # a login that re-hashes the password with a newer hasher is not a new password
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.PBKDF2PasswordHasher", *settings.PASSWORD_HASHERS]
    assert Client().post("/accounts/login/", {"username": "alice", "password": PASSWORD}).status_code == 302
    alice.refresh_from_db()
    assert alice.password.startswith("pbkdf2_sha256$")
    assert works(token)
