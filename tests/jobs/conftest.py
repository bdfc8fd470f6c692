from __future__ import annotations

import pytest


@pytest.fixture
def report_2024(reports_dir):
    return reports_dir / "2024.txt"


@pytest.fixture
def report_2023(reports_dir):
    return reports_dir / "2023.txt"
