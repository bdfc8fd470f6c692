"""wenku backup DEST: a consistent snapshot of the database, the original files and the secret key."""

from __future__ import annotations

import json
import time
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from wenku.ops.backup import BackupError, create
from wenku.ops.snapshot import SnapshotError


class Command(BaseCommand):
    help = gettext_lazy(
        "Back up the library while it runs: database, original files, secret key.\n\n"
        "The database is saved consistently (SQLite: the online backup API; PostgreSQL: pg_dump, custom format), "
        "then every original file and the generated secret key, with a manifest.json (format version, date, "
        "engine, row counts). DEST ending in .tar, .tar.gz or .tgz is one archive; any other DEST is a new "
        "directory. Indexes are not saved: `wenku restore` rebuilds them. Files are written 0600."
    )
    examples = gettext_lazy(
        "  wenku backup /srv/backups/wenku-$(date +%F).tar     one archive\n"
        "  wenku backup /srv/backups/today/                    a directory"
    )

    def add_arguments(self, parser):
        parser.add_argument("destination", metavar="DEST")
        parser.add_argument("--json", action="store_true", help=_("print the manifest as JSON"))

    def handle(self, *args, destination: str, json: bool, **options):
        started = time.perf_counter()
        try:
            manifest = create(Path(destination), say=lambda text: self.stderr.write(text))
        except (BackupError, SnapshotError) as exc:
            raise CommandError(str(exc)) from None
        if json:
            self.stdout.write(_json(manifest))
            return
        counts = manifest["counts"]
        message = _(
            "backed up to %(dest)s: %(documents)d documents, %(pages)d pages, %(users)d users, "
            "%(files)d original files (%(engine)s) in %(seconds).1f s"
        )
        self.stdout.write(
            message
            % {
                "dest": destination,
                "documents": counts["documents"],
                "pages": counts["pages"],
                "users": counts["users"],
                "files": manifest["originals"]["files"],
                "engine": manifest["engine"],
                "seconds": time.perf_counter() - started,
            }
        )
        missing = manifest["missing_originals"]
        if missing:
            warning = _("warning: %(count)d original files named by documents were not in the data dir, e.g. %(path)s")
            self.stderr.write(warning % {"count": len(missing), "path": missing[0]})
        if manifest["secret_key"] == "environment":
            self.stderr.write(_("note: SECRET_KEY comes from the environment and is not in the backup: keep it too"))


def _json(manifest: dict) -> str:
    return json.dumps(manifest, ensure_ascii=False)
