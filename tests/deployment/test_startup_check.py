"""`wenku serve` will not answer to any host, nor start unconfigured, and says what to set (issue 10); the demo
needs nothing. Real processes with real environments: settings are read when they start."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from tests.deployment.conftest import clean_environment

WENKU = str(Path(sys.executable).parent / "wenku")  # the venv's `wenku` command
SITE = "https://wenku.example.org"


def run(tmp_path: Path, args: list[str], **variables: str) -> subprocess.CompletedProcess:
    env = clean_environment(str(tmp_path / "data"), **variables)
    return subprocess.run(args, env=env, capture_output=True, text=True, timeout=300)


def django_check(tmp_path: Path, **variables: str) -> subprocess.CompletedProcess:
    return run(tmp_path, [sys.executable, "-m", "django", "check", "--deploy", "--tag", "wenku_hosts"], **variables)


def says_what_to_set(output: str) -> bool:
    return "WENKU_SITE_URL=https://" in output and "WENKU_ALLOWED_HOSTS" in output


def test_serve_refuses_to_start_unconfigured(tmp_path):
    result = run(tmp_path, [WENKU, "serve", "--port", str(free_port())])
    assert result.returncode == 1, result.stdout + result.stderr
    assert "wenku.E002" in result.stderr and says_what_to_set(result.stderr)
    assert "文库网址" not in result.stdout


def test_serve_refuses_any_host_without_a_site_url(tmp_path):
    result = run(tmp_path, [WENKU, "serve", "--port", str(free_port())], WENKU_ALLOWED_HOSTS="*")
    assert result.returncode == 1 and "wenku.E001" in result.stderr and says_what_to_set(result.stderr)


@pytest.mark.parametrize(
    ("variables", "passes"),
    [
        ({}, False),
        ({"WENKU_ALLOWED_HOSTS": "*"}, False),
        ({"WENKU_SITE_URL": SITE}, True),
        ({"WENKU_ALLOWED_HOSTS": "wenku.example.org"}, True),
        ({"WENKU_SITE_URL": SITE, "WENKU_ALLOWED_HOSTS": "*"}, True),  # a warning: links use the site URL
    ],
)
def test_the_deployment_check(tmp_path, variables, passes):
    result = django_check(tmp_path, **variables)
    assert (result.returncode == 0) == passes, result.stderr
    if not passes:
        assert says_what_to_set(result.stderr)


def test_the_wsgi_application_refuses_to_load_unconfigured(tmp_path):
    """For gunicorn wenku.wsgi run directly, without `wenku serve`."""
    load = [sys.executable, "-c", "import wenku.wsgi"]
    refused = run(tmp_path, load)
    assert refused.returncode == 1 and "ImproperlyConfigured" in refused.stderr and says_what_to_set(refused.stderr)
    assert run(tmp_path, load, WENKU_SITE_URL=SITE).returncode == 0


def test_a_bad_site_url_is_refused_with_the_reason(tmp_path):
    for bad in ("wenku.example.org", "ftp://wenku.example.org", "https://wenku.example.org/library"):
        result = django_check(tmp_path, WENKU_SITE_URL=bad)
        assert result.returncode == 1 and "is not a site URL such as https://" in result.stderr, bad
    result = django_check(tmp_path, WENKU_SITE_URL=SITE, WENKU_TRUSTED_PROXIES="10.0.0.0/8,proxy.local")
    assert result.returncode == 1 and "'proxy.local' is not an IP address or network" in result.stderr


class Served:
    """`wenku serve` in its own process group, stopped by the test that started it."""

    def __init__(self, tmp_path: Path, *args: str, **variables: str) -> None:
        self.port = free_port()
        self.log_path = tmp_path / "serve.log"
        self.log = open(self.log_path, "w+")  # noqa: SIM115 - closed in stop()
        command = [WENKU, "serve", "--port", str(self.port), "--workers", "1", "--threads", "2", *args]
        self.process = subprocess.Popen(
            command,
            env=clean_environment(str(tmp_path / "data"), **variables),
            stdout=self.log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        deadline = time.monotonic() + 240
        while time.monotonic() < deadline:
            assert self.process.poll() is None, self.output()
            try:
                self.get("/robots.txt")
                return
            except OSError:
                time.sleep(0.3)
        self.stop()
        raise AssertionError(f"the server did not start: {self.output()}")

    def get(self, path: str, **headers: str) -> tuple[int, dict, str]:
        request = urllib.request.Request(f"http://127.0.0.1:{self.port}{path}", headers=headers)
        try:
            with urllib.request.urlopen(request, timeout=60) as response:
                return response.status, dict(response.headers), response.read().decode()
        except urllib.error.HTTPError as exc:
            return exc.code, dict(exc.headers), exc.read().decode()

    def output(self) -> str:
        self.log.flush()
        return self.log_path.read_text()

    def stop(self) -> None:
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)  # the server and its children: the group started here
            self.process.wait(timeout=60)
        self.log.close()


@pytest.fixture
def serve(tmp_path):
    started = []

    def start(*args: str, **variables: str) -> Served:
        started.append(Served(tmp_path, *args, **variables))
        return started[-1]

    yield start
    for server in started:
        server.stop()


def test_serve_with_a_site_url_behind_a_trusted_proxy(serve):
    server = serve(WENKU_SITE_URL=SITE, WENKU_TRUSTED_PROXIES="127.0.0.1")
    status, headers, body = server.get("/robots.txt", Host="wenku.example.org", **{"X-Forwarded-Proto": "https"})
    assert status == 200 and f"Sitemap: {SITE}/sitemap.xml" in body
    assert headers.get("Strict-Transport-Security") == "max-age=31536000"
    assert server.get("/robots.txt", Host="evil.example.com")[0] == 400


def test_gunicorn_does_not_take_the_scheme_from_an_untrusted_peer(serve):
    """gunicorn by itself believes X-Forwarded-Proto from 127.0.0.1; `wenku serve` leaves that to the site."""
    server = serve(WENKU_SITE_URL=SITE, WENKU_TRUSTED_PROXIES="10.9.9.9")
    status, headers, _ = server.get("/robots.txt", Host="wenku.example.org", **{"X-Forwarded-Proto": "https"})
    assert status == 200 and "Strict-Transport-Security" not in headers


def test_the_demo_needs_nothing_and_answers_on_loopback_only(serve):
    server = serve("--demo")
    status, _, body = server.get("/")
    assert status == 200 and "政府工作报告" in body
    assert server.get("/", Host="evil.example.com")[0] == 400  # bound to loopback: no DNS-rebinding host either


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]
