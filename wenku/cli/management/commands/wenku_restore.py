"""wenku restore SRC [--force]: a `wenku backup` into an empty data dir and database; indexes rebuilt."""

from __future__ import annotations

import os
import time
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from wenku.ops.backup import BackupError
from wenku.ops.restore import restore
from wenku.ops.snapshot import SnapshotError


class Command(BaseCommand):
    help = gettext_lazy(
        "Restore a `wenku backup` into an empty data dir and database; rebuild the indexes.\n\n"
        "Restores into this WENKU_DATA_DIR and DATABASE_URL, then rebuilds the search and 查重 indexes. The target "
        "must be empty (a new data dir and database, or one only migrated) unless --force is given. A backup "
        "restores into the database engine it was made on (SQLite into SQLite, PostgreSQL into PostgreSQL); "
        "restoring across engines is not supported (move documents with `wenku export` / `wenku import`). Stop the "
        "site and its workers first."
    )
    examples = gettext_lazy(
        "  WENKU_DATA_DIR=/srv/wenku-new wenku restore /srv/backups/wenku-2026-12-04.tar\n"
        "  DATABASE_URL=postgres://wenku@db/wenku wenku restore backup.tar --force"
    )

    def add_arguments(self, parser):
        parser.add_argument("source", metavar="SRC", help=_("a backup directory or .tar/.tar.gz/.tgz archive"))
        parser.add_argument(
            "--force", action="store_true", help=_("replace the database and original files that are there")
        )

    def handle(self, *args, source: str, force: bool, **options):
        started = time.perf_counter()
        try:
            manifest = restore(Path(source), force=force, say=lambda text: self.stderr.write(text))
        except (BackupError, SnapshotError) as exc:
            raise CommandError(str(exc)) from None
        counts = manifest["counts"]
        message = _(
            "restored %(source)s (made %(created)s): %(documents)d documents, %(pages)d pages, %(users)d users, "
            "%(files)d original files; indexes rebuilt in %(seconds).1f s"
        )
        self.stdout.write(
            message
            % {
                "source": source,
                "created": manifest["created"],
                "documents": counts["documents"],
                "pages": counts["pages"],
                "users": counts["users"],
                "files": manifest["originals"]["files"],
                "seconds": time.perf_counter() - started,
            }
        )
        if manifest["secret_key"] == "environment":
            self.stderr.write(_("note: the backed-up site took SECRET_KEY from the environment: set the same one"))
        elif os.environ.get("SECRET_KEY"):
            self.stderr.write(
                _(
                    "note: SECRET_KEY is set in the environment, so the restored secret_key file is not used "
                    "(sessions and signed links of the old site stay valid only with the same key)"
                )
            )
