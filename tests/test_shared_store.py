"""The store all processes share for throttles (CACHES["shared"]): a database table made by `migrate`, or Redis.

The 查重 limit is hit by two real processes at once, each with its own Django, against one freshly migrated site:
the limit holds for the two together (with the old per-process cache each process allowed the whole limit).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
import uuid
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import pytest
from django.core.cache import caches
from django.db import connection

from tests.conftest import REPO, require
from wenku.lib import ratelimit

REDIS_URL = os.environ.get("WENKU_TEST_REDIS_URL", "redis://127.0.0.1:6379/0")

# One process of the site: Django set up from the environment, "ready" once it is, then (after a line on stdin,
# so that both processes start together) checks through Django's whole request handling, COUNT from each ADDRESS
# (arguments ADDRESS=COUNT); the status codes by address.
CLIENT = """
import json, sys
import django
django.setup()
from django.test import Client
print("ready", flush=True)
sys.stdin.readline()
codes = {}
for address, count in (argument.split("=") for argument in sys.argv[1:]):
    client = Client(REMOTE_ADDR=address)
    codes[address] = [
        client.post("/api/check", {"text": "政府工作报告" * 20}, content_type="application/json").status_code
        for _ in range(int(count))
    ]
print(json.dumps(codes), flush=True)
"""


def redis_reachable() -> bool:
    import redis

    try:
        return bool(redis.Redis.from_url(REDIS_URL, socket_connect_timeout=2).ping())
    except redis.RedisError:
        return False


@pytest.fixture
def redis_url() -> str:
    require(redis_reachable(), f"no Redis server answers at {REDIS_URL} (set WENKU_TEST_REDIS_URL)")
    return REDIS_URL


@pytest.fixture(params=["database", "redis"])
def store(request, settings, db):
    """The shared store as the site would configure it, the database table or Redis, with keys of this test."""
    if request.param == "redis":
        location = request.getfixturevalue("redis_url")
        shared = {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": location}
    else:
        shared = {**settings.CACHES["shared"]}
    shared["KEY_PREFIX"] = f"test-{uuid.uuid4().hex}"
    settings.CACHES = {**settings.CACHES, "shared": shared}
    return caches["shared"]


def test_migrate_makes_the_table_of_the_shared_cache(db):
    assert "wenku_shared_cache" in connection.introspection.table_names()
    shared = caches["shared"]
    assert type(shared).__name__ == "DatabaseCache"
    shared.set("greeting", "你好", 60)
    assert shared.get("greeting") == "你好"


def test_a_limit_lets_that_many_through_then_says_how_long_to_wait(store):
    rule = ratelimit.Rule("test", 3, 600)
    assert [ratelimit.take(rule, "203.0.113.1") for _ in range(3)] == [0, 0, 0]
    wait = ratelimit.take(rule, "203.0.113.1")
    assert 598 <= wait <= 600
    assert ratelimit.wait_minutes(wait) == 10
    assert ratelimit.take(rule, "203.0.113.2") == 0  # someone else
    assert ratelimit.take(ratelimit.Rule("other", 3, 600), "203.0.113.1") == 0  # another limit


def test_a_slot_frees_when_its_window_has_passed(store):
    rule = ratelimit.Rule("short", 2, 1)
    assert ratelimit.take(rule, "x") == ratelimit.take(rule, "x") == 0
    assert ratelimit.take(rule, "x") >= 1
    time.sleep(2.1)
    assert ratelimit.take(rule, "x") == 0


def test_a_limit_of_0_is_no_limit_and_large_limits_work(store):
    assert all(ratelimit.take(ratelimit.Rule("none", 0, 60), "x") == 0 for _ in range(50))
    large = ratelimit.Rule("large", 250, 60)  # more slots than one read fetches
    assert [ratelimit.take(large, "y") for _ in range(250)] == [0] * 250
    assert ratelimit.take(large, "y") > 0


def test_take_all_counts_under_every_rule_or_under_none(store):
    narrow, wide = ratelimit.Rule("narrow", 1, 600), ratelimit.Rule("wide", 5, 600)
    assert ratelimit.take_all([(wide, "w"), (narrow, "n")]) == 0
    assert ratelimit.take_all([(wide, "w"), (narrow, "n")]) > 0  # narrow is full: wide is given back
    assert [ratelimit.take(wide, "w") for _ in range(4)] == [0, 0, 0, 0]  # 1 + 4 = 5
    assert ratelimit.take(wide, "w") > 0


# Two real processes


def site_database(tmp_path: Path) -> tuple[str, callable]:
    """A new, empty database for a site on the engine these tests run on: its DATABASE_URL, and how to drop it."""
    if connection.vendor != "postgresql":
        return f"sqlite:///{tmp_path / 'site.sqlite3'}", lambda: None
    import psycopg

    parts = urlsplit(os.environ["DATABASE_URL"])
    name = f"wenku_h1b_{uuid.uuid4().hex[:10]}"
    admin = urlunsplit(parts._replace(path="/postgres"))
    with psycopg.connect(admin, autocommit=True) as server:
        server.execute(f'CREATE DATABASE "{name}"')

    def drop() -> None:
        with psycopg.connect(admin, autocommit=True) as server:
            server.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')

    return urlunsplit(parts._replace(path=f"/{name}")), drop


def run_site(env: dict, *args: str) -> subprocess.CompletedProcess:
    done = subprocess.run(
        [sys.executable, "-c", "from wenku.cli.main import main; main()", *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        cwd=REPO,
    )
    assert done.returncode == 0, done.stderr
    return done


def together(env: dict, code: str, *args: str, processes: int = 2) -> list:
    """Run ``code`` in that many Python processes, released at the same moment once all have set up (the code
    prints "ready", then reads a line); what each printed last, as JSON."""
    started = [
        subprocess.Popen(
            [sys.executable, "-c", code, *args],
            env=env,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            cwd=REPO,
        )
        for _ in range(processes)
    ]
    try:
        for process in started:
            assert process.stdout.readline().strip() == "ready", process.stderr.read()
        for process in started:
            process.stdin.write("go\n")
            process.stdin.flush()
        answers = []
        for process in started:
            out, err = process.communicate(timeout=300)
            assert process.returncode == 0, err
            answers.append(json.loads(out.strip().splitlines()[-1]))
        return answers
    finally:
        for process in started:
            if process.poll() is None:
                process.kill()


def two_processes_check(env: dict, **each: int) -> dict[str, list[int]]:
    """Two processes check from each address that many times, at the same moment; the status codes of both."""
    codes = {address: [] for address in each}
    for answer in together(env, CLIENT, *(f"{address}={count}" for address, count in each.items())):
        for address, statuses in answer.items():
            codes[address] += statuses
    return codes


def site_env(tmp_path: Path, database_url: str, **extra: str) -> dict:
    """The environment of a site in ``tmp_path`` on that database (the shared store in it, unless extra says)."""
    return {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "wenku.settings",
        "DATABASE_URL": database_url,
        "WENKU_DATA_DIR": str(tmp_path / "site"),
        "WENKU_ALLOWED_HOSTS": "testserver",
        "WENKU_REDIS_URL": "",
        "WENKU_REDIS_PREFIX": f"test-{uuid.uuid4().hex}",
        "WENKU_LOG_LEVEL": "ERROR",
        **extra,
    }


@pytest.mark.parametrize("backend", ["database", "redis"])
def test_the_check_limit_holds_across_two_processes(backend, tmp_path, db):
    database_url, drop = site_database(tmp_path)
    env = site_env(tmp_path, database_url, WENKU_CHECK_ANONYMOUS_LIMIT="10")
    if backend == "redis":
        require(redis_reachable(), f"no Redis server answers at {REDIS_URL} (set WENKU_TEST_REDIS_URL)")
        env["WENKU_REDIS_URL"] = REDIS_URL
    try:
        run_site(env, "reindex")  # a new site, migrated (the table of the shared cache comes from there), indexed
        codes = two_processes_check(env, **{"198.51.100.7": 8, "198.51.100.8": 2})
        assert sorted(codes["198.51.100.7"]) == [200] * 10 + [429] * 6, codes  # 10 in all, not 10 per process
        assert codes["198.51.100.8"] == [200] * 4, codes  # another address has its own count
    finally:
        drop()
