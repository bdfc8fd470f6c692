"""`wenku backup`: the database snapshot, the original files and the secret key, with a manifest, in one place.

A backup is a directory, or the same files in one .tar (.tar.gz/.tgz compressed) archive:

    manifest.json        format, version, date, engine, row counts, originals, migrations (written first)
    database.sqlite3     SQLite: a copy made by the online backup API         } one of the two
    database.pgdump      PostgreSQL: pg_dump --format=custom                  }
    secret_key           the generated key of the data dir (absent when SECRET_KEY comes from the environment)
    originals/…          every original file, as in the data dir

Indexes (search, 查重) and generated downloads are not saved: a restore rebuilds them from the database.
Everything written is 0600, directories 0700.
"""

from __future__ import annotations

import json
import os
import shutil
import tarfile
import tempfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path

from django.conf import settings
from django.db.migrations.recorder import MigrationRecorder
from django.utils.translation import gettext as _

from wenku.ops import snapshot

FORMAT = "wenku-backup"
VERSION = 1
MANIFEST = "manifest.json"
SECRET_KEY_FILE = "secret_key"
ORIGINALS = "originals"
ARCHIVE_SUFFIXES = (".tar", ".tar.gz", ".tgz")


class BackupError(RuntimeError):
    """A backup cannot be made or read; the message says why."""


def is_archive(path: Path) -> bool:
    return path.name.endswith(ARCHIVE_SUFFIXES)


@dataclass
class Original:
    path: Path  # in the data dir
    name: str  # relative to the data dir, e.g. "originals/ab/ab12….txt"


def create(destination: Path, say: Callable[[str], None] = lambda _: None) -> dict:
    """Write a backup to ``destination`` (a new directory, or a .tar/.tar.gz/.tgz file); returns its manifest."""
    destination = destination.expanduser().absolute()
    if destination.exists() and (destination.is_file() or any(destination.iterdir())):
        raise BackupError(_("%(path)s already exists: give a new file or an empty directory") % {"path": destination})
    destination.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(dir=destination.parent, prefix=f".{destination.name}.partial-"))
    try:
        vendor = snapshot.engine()
        database_file = staging / snapshot.file_name(vendor)
        say(_("database (%(engine)s) …") % {"engine": vendor})
        counts, referenced = snapshot.save(database_file)
        originals = list(_originals())
        present = {o.name for o in originals}
        missing = sorted(referenced - present)
        manifest = {
            "format": FORMAT,
            "version": VERSION,
            "created": datetime.now(UTC).isoformat(timespec="seconds"),
            "wenku_version": _wenku_version(),
            "engine": vendor,
            "database": database_file.name,
            "counts": counts,
            "originals": {"files": len(originals), "bytes": sum(o.path.stat().st_size for o in originals)},
            "missing_originals": missing,
            "secret_key": "file" if _secret_key_file().exists() else "environment",
            "migrations": _applied_migrations(),
        }
        (staging / MANIFEST).write_text(json.dumps(manifest, ensure_ascii=False, indent=2), encoding="utf-8")
        if manifest["secret_key"] == "file":
            shutil.copyfile(_secret_key_file(), staging / SECRET_KEY_FILE)
        say(_("%(count)d original files …") % {"count": len(originals)})
        if is_archive(destination):
            _write_archive(destination, staging, originals)
        else:
            _write_directory(destination, staging, originals)
        return manifest
    finally:
        shutil.rmtree(staging, ignore_errors=True)


def _write_archive(destination: Path, staging: Path, originals: list[Original]) -> None:
    mode = "w" if destination.name.endswith(".tar") else "w:gz"
    fd, temp = tempfile.mkstemp(dir=destination.parent, prefix=f".{destination.name}.", suffix=".partial")
    try:
        with os.fdopen(fd, "wb") as handle, tarfile.open(fileobj=handle, mode=mode) as archive:
            for name in (MANIFEST, SECRET_KEY_FILE, snapshot.SQLITE_FILE, snapshot.PGDUMP_FILE):
                if (staging / name).exists():
                    archive.add(staging / name, arcname=name)
            for original in originals:  # read from the data dir as they are added: no second copy on disk
                try:
                    archive.add(original.path, arcname=original.name, recursive=False)
                except FileNotFoundError:  # deleted with its document since the snapshot
                    continue
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(temp, 0o600)
        os.replace(temp, destination)
    except BaseException:
        Path(temp).unlink(missing_ok=True)
        raise


def _write_directory(destination: Path, staging: Path, originals: list[Original]) -> None:
    for original in originals:
        target = staging / original.name
        target.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        try:
            shutil.copyfile(original.path, target)
        except FileNotFoundError:
            continue
        target.chmod(0o600)
    staging.chmod(0o700)
    if destination.exists():
        destination.rmdir()  # empty, checked above
    os.rename(staging, destination)


def _originals() -> Iterator[Original]:
    """Every original file in the data dir, in a stable order (temp files of imports under way left out)."""
    data_dir = Path(settings.DATA_DIR)
    folder = Path(settings.WENKU_ORIGINALS_DIR)
    if not folder.is_dir():
        return
    for root, dirs, files in os.walk(folder):
        dirs.sort()
        for name in sorted(files):
            if name.startswith("."):
                continue
            path = Path(root) / name
            try:
                relative = path.relative_to(data_dir)
            except ValueError:  # an originals dir outside the data dir: kept under originals/ all the same
                relative = Path(ORIGINALS) / path.relative_to(folder)
            yield Original(path, relative.as_posix())


def _secret_key_file() -> Path:
    return Path(settings.DATA_DIR) / "secret_key"


def _applied_migrations() -> dict[str, list[str]]:
    applied: dict[str, list[str]] = {}
    for app, name in sorted(MigrationRecorder.Migration.objects.values_list("app", "name")):
        applied.setdefault(app, []).append(name)
    return applied


def _wenku_version() -> str:
    try:
        return version("wenku")
    except PackageNotFoundError:
        return "unknown"
