"""The data dir holds password hashes, session keys, private documents and the secret key: everything in it is
for Wenku's own user (folders 0700, files 0600), whatever the umask of the shell that started `wenku`."""

from __future__ import annotations

import os
import stat
import subprocess
from pathlib import Path

from tests.ops.cli import SQLITE_PASS, WENKU, Wenku


def permissive(site: Wenku, *args: str) -> None:
    """Run `wenku` from a shell whose umask lets everyone read (022, as most shells have)."""
    command = " ".join(["umask 022;", "exec", WENKU, *(f"'{a}'" for a in args)])
    done = subprocess.run(["sh", "-c", command], env=site.env, capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stderr


def loose(path: Path) -> list[str]:
    """Entries under ``path`` (itself included) that others may read, write or enter."""
    found = []
    for entry in [path, *path.rglob("*")]:
        mode = entry.lstat().st_mode
        if stat.S_IMODE(mode) & 0o077:
            found.append(f"{entry.relative_to(path.parent)} {stat.filemode(mode)}")
    return found


@SQLITE_PASS
def test_a_new_data_dir_and_everything_in_it_is_private(tmp_path, reports_dir):
    site = Wenku(tmp_path / "new" / "data")
    permissive(site, "import", str(reports_dir / "1975.txt"))
    data = site.data_dir
    assert stat.S_IMODE(data.stat().st_mode) == 0o700
    for name in ("wenku.sqlite3", "secret_key"):
        assert stat.S_IMODE((data / name).stat().st_mode) == 0o600, name
    assert any((data / "originals").rglob("*.txt"))
    permissive(site, "search", "经济")  # opens the database again: the -wal and -shm files exist while it runs
    permissive(site, "backup", str(tmp_path / "backups" / "b.tar"))
    permissive(site, "backup", str(tmp_path / "backups" / "dir"))
    permissive(site, "export", str(tmp_path / "backups" / "all.jsonl"))
    assert loose(data) == []
    assert loose(tmp_path / "backups") == []  # the folder made for them too


@SQLITE_PASS
def test_an_older_data_dir_is_tightened(tmp_path, reports_dir):
    """A data dir made before this fix (0755, database 0644): the next `wenku` command makes it private."""
    site = Wenku(tmp_path / "data")
    site.run("import", str(reports_dir / "1975.txt"))
    data = site.data_dir
    os.chmod(data, 0o755)
    for name in ("wenku.sqlite3", "wenku.sqlite3-wal", "wenku.sqlite3-shm"):
        if (data / name).exists():
            os.chmod(data / name, 0o644)
    permissive(site, "search", "经济")
    assert stat.S_IMODE(data.stat().st_mode) == 0o700
    for name in ("wenku.sqlite3", "wenku.sqlite3-wal", "wenku.sqlite3-shm"):
        if (data / name).exists():
            assert stat.S_IMODE((data / name).stat().st_mode) == 0o600, name
