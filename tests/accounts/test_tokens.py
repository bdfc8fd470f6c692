"""Personal API tokens: made on the account page or by `wenku token`, shown once, kept hashed, revocable."""

from __future__ import annotations

import hashlib
import json
import os
import re
import subprocess
import sys
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.test import Client

from tests.accounts.conftest import PASSWORD, make_private, page_html
from wenku.accounts import tokens
from wenku.accounts.models import ApiToken

TOKEN = re.compile(r"wk_[A-Za-z0-9_-]{43}")


def bearer(token: str) -> dict:
    return {"authorization": f"Bearer {token}"}


def create_on_account_page(client, name="脚本") -> str:
    response = client.post("/accounts/tokens/", {"name": name})
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    found = TOKEN.findall(page_html(response))
    assert len(found) == 1, "the new token is shown exactly once"
    return found[0]


def test_a_token_is_shown_once_and_kept_only_as_a_hash(client, alice):
    client.force_login(alice)
    raw = create_on_account_page(client)
    row = ApiToken.objects.get(user=alice)
    assert row.name == "脚本" and raw.startswith(row.prefix)
    assert row.digest == hashlib.sha256(raw.encode()).hexdigest()
    stored = [str(value) for value in ApiToken.objects.values_list().get()]
    assert not any(raw in value for value in stored)
    again = page_html(client.get("/accounts/me/"))
    assert raw not in again and f"{row.prefix}…" in again


def test_a_token_authenticates_the_api_as_its_user(client, alice, bob, reports):
    client.force_login(alice)
    raw = create_on_account_page(client)
    private = make_private(reports[0], alice)
    api = Client()  # no session: only the token
    assert api.get("/api/me/favorites", headers=bearer(raw)).json() == []
    assert api.get(f"/api/documents/{private.pk}", headers=bearer(raw)).status_code == 200  # request.user is alice
    assert api.get(f"/api/documents/{private.pk}").status_code == 404
    response = api.post(f"/api/documents/{private.pk}/favorite", headers=bearer(raw))
    assert response.json() == {"favorited": True, "count": 1}
    assert ApiToken.objects.get(user=alice).last_used is not None


def test_a_revoked_token_is_refused(client, alice, reports):
    client.force_login(alice)
    raw = create_on_account_page(client)
    token = ApiToken.objects.get(user=alice)
    response = client.post(f"/accounts/tokens/{token.pk}/revoke/")
    assert response.status_code == 302 and response["Location"] == "/accounts/me/"
    assert "已吊销" in page_html(client.get("/accounts/me/"))
    assert not ApiToken.objects.exists()
    response = Client().get("/api/me/favorites", headers=bearer(raw))
    assert response.status_code == 401
    assert Client().post(f"/api/documents/{reports[0].pk}/favorite", headers=bearer(raw)).status_code == 401


def test_nobody_else_can_revoke_a_token(client, alice, bob, staff):
    client.force_login(alice)
    raw = create_on_account_page(client)
    token = ApiToken.objects.get(user=alice)
    for other in (bob, staff):
        intruder = Client()
        intruder.force_login(other)
        assert intruder.post(f"/accounts/tokens/{token.pk}/revoke/").status_code == 404
    assert Client().get("/api/me/favorites", headers=bearer(raw)).status_code == 200


@pytest.mark.parametrize(
    "header", ["Bearer wk_not-a-real-token", "Bearer ", "Bearer", "Token wk_x", "Basic YWxpY2U6cHc=", "wk_abc"]
)
def test_anything_but_a_valid_token_is_401(db, header):
    assert Client().get("/api/me/favorites", headers={"authorization": header}).status_code == 401


def test_a_token_of_an_inactive_user_is_refused(alice):
    _token, raw = tokens.create(alice)
    alice.is_active = False
    alice.save()
    assert Client().get("/api/me/favorites", headers=bearer(raw)).status_code == 401


def test_tokens_open_the_api_only_not_the_site(client, alice):
    client.force_login(alice)
    raw = create_on_account_page(client)
    response = Client().get("/accounts/me/", headers=bearer(raw))
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")


def test_the_token_command_prints_a_working_token(alice):
    out = StringIO()
    call_command("token", "alice", stdout=out)
    raw = out.getvalue().strip()
    assert TOKEN.fullmatch(raw)
    assert Client().get("/api/me/favorites", headers=bearer(raw)).status_code == 200
    with pytest.raises(CommandError, match="nobody"):
        call_command("token", "nobody")


def test_wenku_token_and_createsuperuser_work_through_the_cli(tmp_path):
    """The real `wenku` entry point in a fresh data dir (its own SQLite database, not the test database)."""
    env = {
        "WENKU_DATA_DIR": str(tmp_path / "cli-data"),
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "DATABASE_URL": "",
        "DJANGO_SUPERUSER_PASSWORD": PASSWORD,
    }
    wenku = [sys.executable, "-c", "from wenku.cli.main import main; main()"]

    def run(*args):
        done = subprocess.run([*wenku, *args], env=env, capture_output=True, text=True, timeout=120)
        assert done.returncode == 0, done.stderr
        return done.stdout

    run("createsuperuser", "--noinput", "--username", "root", "--email", "root@example.com")
    raw = run("token", "root", "--name", "ci").strip()
    assert TOKEN.fullmatch(raw)
    check = (
        "import hashlib, json; from wenku.accounts.models import ApiToken;"
        "from django.contrib.auth import get_user_model;"
        "u = get_user_model().objects.get(username='root'); t = ApiToken.objects.get(user=u);"
        f"print(json.dumps([u.is_superuser, u.check_password({PASSWORD!r}), t.name, "
        f"t.digest == hashlib.sha256({raw!r}.encode()).hexdigest()]))"
    )
    last_line = run("shell", "--no-imports", "-c", check).strip().splitlines()[-1]
    assert json.loads(last_line) == [True, True, "ci", True]


def test_a_reader_has_at_most_twenty_tokens(client, alice):
    for _ in range(tokens.MAX_PER_USER):
        tokens.create(alice)
    client.force_login(alice)
    response = client.post("/accounts/tokens/", {"name": "one more"})
    assert response.status_code == 400
    assert "令牌太多了，请先吊销不再使用的令牌。" in page_html(response)
    assert ApiToken.objects.filter(user=alice).count() == tokens.MAX_PER_USER
