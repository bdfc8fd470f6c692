"""`wenku serve` runs a whole site: its web processes and a background worker, so an upload to the real server
is imported (by the worker, not the request) and answered with the document; /healthz counts the worker."""

from __future__ import annotations

import json
import urllib.request
import uuid

import pytest

from tests.search.test_server_survives import REPORTS, Server


@pytest.fixture
def server(tmp_path):
    running = Server(tmp_path)
    running.run("migrate")
    running.run("createsuperuser", "--noinput", "--username", "boss", "--email", "boss@example.org")
    running.start()
    yield running
    running.stop()


def _upload(server: Server, token: str, name: str, data: bytes) -> tuple[int, dict]:
    boundary = uuid.uuid4().hex
    body = (
        (
            f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="{name}"\r\n'
            "Content-Type: text/plain\r\n\r\n"
        ).encode()
        + data
        + f"\r\n--{boundary}--\r\n".encode()
    )
    request = urllib.request.Request(
        f"http://127.0.0.1:{server.port}/api/documents",
        data=body,
        headers={"Authorization": f"Bearer {token}", "Content-Type": f"multipart/form-data; boundary={boundary}"},
    )
    with urllib.request.urlopen(request, timeout=60) as response:
        return response.status, json.loads(response.read())


def test_an_upload_to_the_real_server_is_imported_by_its_worker(server):
    token = server.run("token", "boss").stdout.strip().splitlines()[-1]
    status, answer = _upload(server, token, "2024.txt", (REPORTS / "2024.txt").read_bytes())
    assert status == 201, answer  # the worker finished it within WENKU_UPLOAD_WAIT
    assert answer["title"].startswith("2024年") and answer["status"] == "published"
    with urllib.request.urlopen(f"http://127.0.0.1:{server.port}/healthz", timeout=30) as response:
        health = json.loads(response.read())
    assert health["worker"]["workers"] >= 1, health
    assert health["worker"]["waiting"]["index"] == 0 or health["worker"]["lag_seconds"] < 60
