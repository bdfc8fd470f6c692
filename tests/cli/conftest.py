"""Run the real `wenku` console script in a child process, on a data dir of its own."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

WENKU = [sys.executable, "-c", "from wenku.cli.main import main; main()"]


class Wenku:
    def __init__(self, data_dir: Path, cwd: Path) -> None:
        self.data_dir, self.cwd = data_dir, cwd

    def env(self, **extra: str) -> dict[str, str]:
        env = {k: v for k, v in os.environ.items() if not k.startswith(("WENKU_", "DJANGO_"))}
        env.update({"WENKU_DATA_DIR": str(self.data_dir), "DATABASE_URL": "", **extra})
        return env

    def __call__(self, *args: str, check: bool = True, **extra: str) -> subprocess.CompletedProcess:
        done = subprocess.run(
            [*WENKU, *args], cwd=self.cwd, env=self.env(**extra), capture_output=True, text=True, timeout=300
        )
        if check:
            assert done.returncode == 0, (args, done.stdout, done.stderr)
        return done


@pytest.fixture
def wenku(tmp_path) -> Wenku:
    """`wenku` run from a folder of its own (never the repository), on a fresh data dir."""
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    return Wenku(tmp_path / "cli-data", elsewhere)
