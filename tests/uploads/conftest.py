"""Shared by the uploads tests: people (an owner, another reader, staff), uploads through the real web form and
API, and the checks that a refused upload left nothing behind."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from tests.conftest import stored_originals
from wenku.library.models import Document, Page

PASSWORD = "a-long-enough-password-1"


@pytest.fixture
def owner(django_user_model):
    return django_user_model.objects.create_user("owner", password=PASSWORD)


@pytest.fixture
def other(django_user_model):
    return django_user_model.objects.create_user("other", password=PASSWORD)


@pytest.fixture
def staff(django_user_model):
    return django_user_model.objects.create_user("staff", password=PASSWORD, is_staff=True)


def client_for(user) -> Client:
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


@pytest.fixture
def owner_client(owner):
    return client_for(owner)


@pytest.fixture
def other_client(other):
    return client_for(other)


@pytest.fixture
def staff_client(staff):
    return client_for(staff)


def as_upload(path: Path, name: str | None = None) -> SimpleUploadedFile:
    return SimpleUploadedFile(name or path.name, path.read_bytes())


def upload(client: Client, *paths, xhr: bool = False, **fields):
    """POST files (paths, or (name, bytes) pairs) to /upload/ as the form does, with its other fields."""
    files = [as_upload(p) if isinstance(p, Path) else SimpleUploadedFile(p[0], p[1]) for p in paths]
    data = {"visibility": "public", "files": files} if files else {"visibility": "public"}
    data.update(fields)
    headers = {"X-Requested-With": "XMLHttpRequest"} if xhr else {}
    return client.post("/upload/", data, headers=headers)


def result_lines(response) -> list[str]:
    """The result lines of an upload page, as text (tags removed, whitespace collapsed)."""
    import re

    html = response.content.decode()
    lines = re.findall(r'<li class="result-line[^"]*"[^>]*>(.*?)</li>', html, re.S)
    return [" ".join(re.sub(r"<[^>]+>", " ", line).split()) for line in lines]


def assert_nothing_stored(data_dir) -> None:
    assert Document.objects.count() == 0
    assert Page.objects.count() == 0
    assert stored_originals(data_dir) == []
