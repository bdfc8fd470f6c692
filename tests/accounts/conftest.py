"""Accounts fixtures: real reports imported into the real database, users made through Django's own manager."""

from __future__ import annotations

import pytest

from wenku.library.models import Document

PASSWORD = "书山有路勤为径-2024"  # passes the site's password validators


@pytest.fixture
def reports(reports_dir, db) -> list[Document]:
    """Three government work reports; the 2024 one (index 2) has more than three pages."""
    from wenku.ingest.importer import ImportOptions, import_paths

    paths = [reports_dir / f"{year}.txt" for year in (1978, 2023, 2024)]
    results = import_paths(paths, ImportOptions(category="政府工作报告"))
    documents = [Document.objects.get(pk=r.id) for r in results]
    assert documents[2].page_count >= 4
    return documents


@pytest.fixture
def make_user(django_user_model):
    def make(username: str, password: str = PASSWORD, **extra):
        return django_user_model.objects.create_user(username, password=password, **extra)

    return make


@pytest.fixture
def alice(make_user):
    return make_user("alice", email="alice@example.com")


@pytest.fixture
def bob(make_user):
    return make_user("bob")


@pytest.fixture
def staff(make_user):
    return make_user("editor", is_staff=True)


def make_private(document: Document, owner) -> Document:
    """The document becomes a private upload of ``owner`` (update(): no search-outbox row needed)."""
    Document.objects.filter(pk=document.pk).update(visibility="private", uploader=owner)
    document.refresh_from_db()
    return document


def page_html(response) -> str:
    return response.content.decode()
