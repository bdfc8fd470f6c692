"""`wenku restore`: a backup (wenku/ops/backup.py) into an empty data dir and database, then indexes rebuilt.

Order: read and check the manifest (format, engine, migrations this code knows), check the target is empty
(unless forced), unpack into a staging folder inside the data dir, load the database, move the originals into
place, put the secret key back, migrate (a backup of an older version is brought up to date), drop the derived
indexes and downloads, rebuild the search and 查重 indexes, and check the row counts against the manifest.
The site must not be running during a restore.
"""

from __future__ import annotations

import json
import os
import shutil
import tarfile
import tempfile
from collections.abc import Callable
from pathlib import Path, PurePosixPath

from django.conf import settings
from django.core.management import call_command
from django.db import connection
from django.db.migrations.loader import MigrationLoader
from django.utils.translation import gettext as _

from wenku.ops import snapshot
from wenku.ops.backup import FORMAT, MANIFEST, ORIGINALS, SECRET_KEY_FILE, VERSION, BackupError, is_archive

DERIVED = ("search-index", "check-index", "downloads")  # rebuilt or remade from the database
TOP_LEVEL = {MANIFEST, SECRET_KEY_FILE, snapshot.SQLITE_FILE, snapshot.PGDUMP_FILE}


def read_manifest(source: Path) -> dict:
    """The manifest of a backup directory or archive, checked for format and version."""
    if is_archive(source):
        with tarfile.open(source, "r:*") as archive:
            member = archive.next()  # written first
            if member is None or member.name != MANIFEST:
                raise BackupError(
                    _("%(path)s is not a Wenku backup (no manifest.json at its start)") % {"path": source}
                )
            raw = archive.extractfile(member).read()
    else:
        path = source / MANIFEST
        if not path.is_file():
            raise BackupError(_("%(path)s is not a Wenku backup (no manifest.json)") % {"path": source})
        raw = path.read_bytes()
    try:
        manifest = json.loads(raw)
    except ValueError as exc:
        raise BackupError(_("manifest.json is damaged: %(error)s") % {"error": exc}) from None
    if manifest.get("format") != FORMAT:
        raise BackupError(
            _("%(path)s is not a Wenku backup (format %(format)r)") % {"path": source, "format": manifest.get("format")}
        )
    if manifest.get("version") != VERSION:
        message = _("backup format version %(version)s is not supported (this Wenku: %(ours)s)")
        raise BackupError(message % {"version": manifest.get("version"), "ours": VERSION})
    return manifest


def unknown_migrations(manifest: dict) -> list[str]:
    """Migrations applied in the backup that this code does not have: a backup made by a newer Wenku."""
    known = set(MigrationLoader(None, ignore_no_migrations=True).disk_migrations)
    return [
        f"{app}.{name}"
        for app, names in manifest.get("migrations", {}).items()
        for name in names
        if app in _our_apps() and (app, name) not in known
    ]


def _our_apps() -> set[str]:
    from django.apps import apps

    return {config.label for config in apps.get_app_configs()}


def target_problems() -> list[str]:
    """What in this data dir and database a restore would overwrite."""
    problems = []
    if snapshot.holds_data():
        where = {"engine": connection.vendor, "name": connection.settings_dict["NAME"]}
        problems.append(_("the database (%(engine)s: %(name)s) holds data") % where)
    originals = Path(settings.WENKU_ORIGINALS_DIR)
    if originals.is_dir() and any(p.is_file() for p in originals.rglob("*")):
        problems.append(_("%(path)s holds files") % {"path": originals})
    return problems


def restore(source: Path, force: bool = False, say: Callable[[str], None] = lambda _: None) -> dict:
    """Restore the backup at ``source``; returns its manifest. Raises BackupError/SnapshotError before changing
    anything when the backup does not fit or the target is not empty (and not ``force``)."""
    source = source.expanduser().absolute()
    if not source.exists():
        raise BackupError(_("%(path)s does not exist") % {"path": source})
    manifest = read_manifest(source)
    snapshot.check_engine(manifest["engine"])
    newer = unknown_migrations(manifest)
    if newer:
        message = _(
            "this backup was made by a newer Wenku (migrations %(names)s are unknown here): upgrade Wenku first"
        )
        raise BackupError(message % {"names": ", ".join(newer[:5])})
    problems = target_problems()
    if problems and not force:
        message = _(
            "refusing to overwrite a data dir that is not empty: %(problems)s. Restore into a new WENKU_DATA_DIR and "
            "database, or give --force to replace what is there."
        )
        raise BackupError(message % {"problems": "; ".join(problems)})
    data_dir = Path(settings.DATA_DIR)
    staging = Path(tempfile.mkdtemp(dir=data_dir, prefix=".restore-"))
    try:
        say(_("unpacking …"))
        unpacked = _unpack(source, staging) if is_archive(source) else source
        database = unpacked / str(manifest.get("database"))
        if manifest.get("database") not in (snapshot.SQLITE_FILE, snapshot.PGDUMP_FILE) or not database.is_file():
            raise BackupError(_("the backup lacks its database file %(name)s") % {"name": manifest["database"]})
        say(_("database (%(engine)s) …") % {"engine": manifest["engine"]})
        snapshot.load(database, manifest["engine"])
        say(_("original files …"))
        _put_originals(unpacked / ORIGINALS, staging, copy=not is_archive(source))
        _put_secret_key(unpacked / SECRET_KEY_FILE, data_dir)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    call_command("migrate", interactive=False, verbosity=0)
    for name in DERIVED:
        shutil.rmtree(data_dir / name, ignore_errors=True)
    say(_("search and 查重 indexes …"))
    _rebuild_indexes()
    _check_counts(manifest)
    return manifest


def _unpack(archive_path: Path, staging: Path) -> Path:
    """Extract the archive into ``staging``: regular files and folders only, names checked (no absolute paths,
    no "..", nothing outside the expected entries)."""
    target = staging / "unpacked"
    target.mkdir(mode=0o700)
    with tarfile.open(archive_path, "r:*") as archive:
        for member in archive:
            parts = PurePosixPath(member.name).parts
            allowed = parts and (parts[0] == ORIGINALS or (len(parts) == 1 and member.name in TOP_LEVEL))
            if not allowed or ".." in parts or member.name.startswith("/") or not (member.isfile() or member.isdir()):
                raise BackupError(_("unexpected entry in the archive: %(name)r") % {"name": member.name})
            archive.extract(member, target, filter="data")
    return target


def _put_originals(folder: Path, staging: Path, copy: bool) -> None:
    originals = Path(settings.WENKU_ORIGINALS_DIR)
    if originals.exists():  # empty, or --force
        old = staging / "old-originals"
        os.rename(originals, old)
    if not folder.is_dir():
        originals.mkdir(mode=0o700, parents=True, exist_ok=True)
        return
    if copy:  # from a backup directory, which stays as it is
        shutil.copytree(folder, originals, copy_function=shutil.copyfile)
    else:  # unpacked inside the data dir: same file system
        os.rename(folder, originals)
    for root, _dirs, files in os.walk(originals):
        os.chmod(root, 0o700)
        for name in files:
            os.chmod(Path(root) / name, 0o600)


def _put_secret_key(saved: Path, data_dir: Path) -> None:
    if not saved.is_file():
        return  # the site's key came from SECRET_KEY; it must be set the same way again
    fd, temp = tempfile.mkstemp(dir=data_dir, prefix=".secret_key.")
    with os.fdopen(fd, "wb") as handle:
        handle.write(saved.read_bytes())
    os.replace(temp, data_dir / "secret_key")


def _rebuild_indexes() -> None:
    """As `wenku reindex` does, with fresh backend objects (the old index folders are gone)."""
    from wenku.checking import registry as check_registry
    from wenku.search import registry as search_registry
    from wenku.search.indexing import rebuild

    search_registry.forget_backend()
    check_registry._local.index = None  # this process may have opened the old 查重 index
    rebuild()


def _check_counts(manifest: dict) -> None:
    from django.apps import apps

    wrong = []
    for name, expected in manifest.get("counts", {}).items():
        label = snapshot.COUNTED.get(name)
        if label is None:
            continue
        found = apps.get_model(label).objects.count()
        if found != expected:
            wrong.append(
                _("%(what)s: %(found)d restored, %(expected)d in the backup")
                % {"what": name, "found": found, "expected": expected}
            )
    if wrong:
        raise BackupError(_("the restored database does not match the backup: %(wrong)s") % {"wrong": "; ".join(wrong)})
