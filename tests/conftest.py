"""Shared fixtures: a private data dir per test, the development corpus, and helpers to import real files.

Tests that need something outside the repository (the shared corpus, PostgreSQL, Chromium) skip with the reason
on a developer's machine that lacks it, and fail instead when WENKU_REQUIRE_ALL=1 (as in CI), so that CI can never
pass by skipping.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
CORPUS = Path(os.environ.get("WENKU_CORPUS", REPO.parent / "shared" / "corpus"))
REQUIRE_ALL = os.environ.get("WENKU_REQUIRE_ALL") == "1"


def require(condition: bool, reason: str) -> None:
    """Skip (or, with WENKU_REQUIRE_ALL=1, fail) when something the test needs is missing."""
    if condition:
        return
    if REQUIRE_ALL:
        pytest.fail(f"required but missing: {reason}")
    pytest.skip(reason)


@pytest.fixture
def corpus() -> Path:
    require(CORPUS.is_dir(), f"the development corpus is not at {CORPUS} (set WENKU_CORPUS)")
    return CORPUS


@pytest.fixture
def reports_dir() -> Path:
    """The government work reports bundled as the sample library (real documents, always present)."""
    return REPO / "wenku" / "sample_library" / "gov_work_reports"


@pytest.fixture
def r2024(reports_dir):
    from tests import samples

    return samples.report(reports_dir, 2024)


@pytest.fixture
def r2023(reports_dir):
    from tests import samples

    return samples.report(reports_dir, 2023)


def stored_originals(data_dir: Path) -> list[Path]:
    """The original files kept in a data dir."""
    folder = data_dir / "originals"
    return [p for p in folder.rglob("*") if p.is_file()] if folder.exists() else []


def assert_refused(result, *words: str) -> None:
    """A failed import result, with no document id, whose reason holds all ``words``."""
    assert result.status == "failed", result
    assert result.id is None and result.reason
    for word in words:
        assert word in result.reason, (word, result.reason)


@pytest.fixture
def english():
    """Messages in the language they are written in (English), for tests that name an exact reason; the site's
    own language (zh-hans) is tested on its own (tests/cli/test_messages.py)."""
    from django.utils import translation

    with translation.override("en"):
        yield


@pytest.fixture(autouse=True)
def data_dir(tmp_path, settings) -> Path:
    """Each test gets its own originals folder inside a fresh data dir."""
    directory = tmp_path / "wenku-data"
    directory.mkdir()
    settings.DATA_DIR = directory
    settings.WENKU_ORIGINALS_DIR = directory / "originals"
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]  # fast; never in production
    # An upload's import job runs inside the request (no worker process in these tests); tests/jobs runs real
    # `wenku worker` processes.
    settings.WENKU_RUN_JOBS_IN_REQUEST = True
    # A second process would open the real database, not the test one: tests/jobs/test_settler.py runs real
    # `wenku import` processes instead.
    settings.WENKU_IMPORT_SETTLE_AHEAD = 0
    return directory


@pytest.fixture(autouse=True)
def _fresh_cache():
    """Rendered pages and related ids are cached per process; ids repeat across tests on SQLite."""
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()


@pytest.fixture(autouse=True)
def _fresh_shared_store(settings):
    """Throttle counts live in the shared store (a database table, or Redis): a key prefix of its own per test, so
    that no count carries over from another test, or from another run against the same Redis."""
    import uuid

    shared = {**settings.CACHES["shared"], "KEY_PREFIX": f"test-{uuid.uuid4().hex}"}
    settings.CACHES = {**settings.CACHES, "shared": shared}


@pytest.fixture(autouse=True)
def _fresh_view_memory():
    from wenku.library.view_counter import forget_recent

    forget_recent()
    yield
    forget_recent()


@pytest.fixture
def import_one(db):
    """Import one file and return its single ImportResult."""
    from wenku.ingest.importer import ImportOptions, import_file

    def run(path: Path, **options):
        results = import_file(Path(path), ImportOptions(**options))
        assert len(results) == 1, results
        return results[0]

    return run
