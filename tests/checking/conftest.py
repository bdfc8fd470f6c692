"""Fixtures of the /check page, POST /api/check and `wenku check` tests (tests/checking/check_helpers.py).
Modules that need another library define their own ``library`` fixture, which takes precedence here."""

from __future__ import annotations

import pytest

from tests.checking.check_helpers import load_library, make_submission


@pytest.fixture
def library(reports_dir):
    return load_library(reports_dir)


@pytest.fixture
def submission(reports_dir):
    return make_submission(reports_dir)
