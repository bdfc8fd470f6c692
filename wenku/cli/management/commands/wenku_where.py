"""wenku where: which data dir, database and indexes this command line uses, and why that data dir."""

from __future__ import annotations

from django.conf import settings
from django.core.management.base import BaseCommand
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from wenku import config


class Command(BaseCommand):
    help = gettext_lazy("Show the data dir, database and search index in use, and why that data dir.")
    examples = gettext_lazy(
        "  wenku where                              where this wenku keeps its data\n"
        "  WENKU_DATA_DIR=/srv/wenku wenku where    another site's"
    )
    requires_system_checks = []

    def handle(self, *args, **options):
        _path, why = config.data_dir_choice()
        reasons = {
            "WENKU_DATA_DIR": _("set by WENKU_DATA_DIR"),
            "checkout": _("beside the source checkout this wenku runs from; WENKU_DATA_DIR chooses another"),
            "user": _("this user's data folder; WENKU_DATA_DIR chooses another"),
        }
        database = settings.DATABASES["default"]
        if database["ENGINE"].endswith("sqlite3"):
            where_db = f"SQLite {database['NAME']}"
        else:
            host = f"{database.get('HOST') or 'localhost'}:{database.get('PORT') or 5432}"
            where_db = f"PostgreSQL {host}/{database['NAME']}"
        lines = [
            _("Data dir: %(path)s") % {"path": settings.DATA_DIR} + f"  ({reasons[why]})",
            _("Database: %(where)s") % {"where": where_db},
            _("Originals: %(path)s") % {"path": settings.WENKU_ORIGINALS_DIR},
            _("Search index: %(backend)s") % {"backend": _search_index()},
        ]
        self.stdout.write("\n".join(lines))


def _search_index() -> str:
    from wenku.search.registry import backend_name, index_dir

    name = backend_name()
    return _("inside PostgreSQL") if name == "postgres" else f"tantivy {index_dir()}"
