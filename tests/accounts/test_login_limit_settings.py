"""The failed-login limits are settings: per username, per address (0: none) and the window, read from the
environment like every other setting."""

from __future__ import annotations

import json
import os
import subprocess
import sys

from django.test import Client

from tests.accounts.conftest import PASSWORD, page_html
from tests.conftest import REPO


def attempt(username="alice", password=PASSWORD, address="10.0.0.1"):
    return Client(REMOTE_ADDR=address).post("/accounts/login/", {"username": username, "password": password})


def refused(response) -> bool:
    return response.status_code == 200 and "登录失败次数过多" in page_html(response)


def test_the_username_limit_and_window_are_settings(alice, settings):
    settings.WENKU_LOGIN_FAILURES_PER_USERNAME = 2
    settings.WENKU_LOGIN_WINDOW_MINUTES = 3
    assert not any(refused(attempt(password="wrong")) for _ in range(2))
    third = attempt()  # the right password, after 2 failures
    assert third.status_code == 200 and "登录失败次数过多，请 3 分钟后再试。" in page_html(third)


def test_the_address_limit_is_a_setting(alice, make_user, settings):
    settings.WENKU_LOGIN_FAILURES_PER_ADDRESS = 3
    for n in range(3):
        assert not refused(attempt(f"guess{n}", "wrong"))
    assert refused(attempt())  # alice, from that address
    assert attempt(address="10.0.0.2").status_code == 302  # alice, from elsewhere


def test_an_address_limit_of_0_is_none(alice, settings):
    settings.WENKU_LOGIN_FAILURES_PER_ADDRESS = 0
    for n in range(30):
        assert not refused(attempt(f"guess{n}", "wrong"))
    assert attempt().status_code == 302


def test_every_limit_is_read_from_the_environment(tmp_path):
    names = {
        "WENKU_LOGIN_FAILURES_PER_USERNAME": 7,
        "WENKU_LOGIN_FAILURES_PER_ADDRESS": 0,
        "WENKU_LOGIN_WINDOW_MINUTES": 30,
        "WENKU_CHECK_ANONYMOUS_LIMIT": 4,
        "WENKU_CHECK_USER_LIMIT": 40,
        "WENKU_CHECK_WINDOW_MINUTES": 5,
        "WENKU_REGISTRATIONS_PER_ADDRESS_HOUR": 2,
        "WENKU_PASSWORD_RESETS_PER_ADDRESS_HOUR": 6,
        "WENKU_PASSWORD_RESETS_PER_EMAIL_HOUR": 1,
        "WENKU_UPLOAD_FILES_PER_DAY": 9,
        "WENKU_UPLOAD_MB_PER_DAY": 50,
        "WENKU_UPLOAD_DOCUMENTS_PER_DAY": 0,
    }
    code = (
        "import json, sys; from django.conf import settings; "
        "print(json.dumps({n: getattr(settings, n) for n in sys.argv[1:]}))"
    )
    env = {**os.environ, **{n: str(v) for n, v in names.items()}, "WENKU_DATA_DIR": str(tmp_path)}
    env["DJANGO_SETTINGS_MODULE"] = "wenku.settings"
    done = subprocess.run(
        [sys.executable, "-c", code, *names], env=env, capture_output=True, text=True, cwd=REPO, timeout=120, check=True
    )
    assert json.loads(done.stdout) == names
    bad = subprocess.run(
        [sys.executable, "-c", code, *names],
        env={**env, "WENKU_UPLOAD_MB_PER_DAY": "lots"},
        capture_output=True,
        text=True,
        cwd=REPO,
        timeout=120,
    )
    assert bad.returncode != 0 and "WENKU_UPLOAD_MB_PER_DAY='lots' is not an integer" in bad.stderr
