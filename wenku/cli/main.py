"""The ``wenku`` console script: Django management commands under short names, on a migrated data dir."""

from __future__ import annotations

import os
import sys

# Short names for our commands; anything else goes to Django (createsuperuser, migrate, shell, ...).
ALIASES = {
    "import": "wenku_import",
    "serve": "wenku_serve",
    "search": "wenku_search",
    "check": "wenku_check",  # 查重; Django's own system check stays `manage.py check`
    "reindex": "wenku_reindex",
    "dict": "wenku_dict",
}
NO_AUTO_MIGRATE = {"migrate", "makemigrations", "help", "--help", "-h", "version", "--version"}


def main(argv: list[str] | None = None) -> None:
    argv = list(sys.argv[1:] if argv is None else argv)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "wenku.settings")
    import django

    django.setup()
    if not argv:
        argv = ["help"]
    command = ALIASES.get(argv[0], argv[0])
    if command not in NO_AUTO_MIGRATE:
        migrate_if_needed()
    from django.core.management import execute_from_command_line

    execute_from_command_line(["wenku", command, *argv[1:]])


def migrate_if_needed() -> None:
    """Create and migrate the database when it is new or behind the code."""
    from django.core.management import call_command
    from django.db import connection
    from django.db.migrations.executor import MigrationExecutor

    executor = MigrationExecutor(connection)
    plan = executor.migration_plan(executor.loader.graph.leaf_nodes())
    if plan:
        call_command("migrate", interactive=False, verbosity=0)
