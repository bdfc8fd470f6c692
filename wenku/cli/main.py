"""The ``wenku`` console script: our management commands under short names, on a migrated data dir.

``wenku``, ``wenku help`` and ``wenku --help`` list our commands (catalog.py finds them); ``wenku help CMD`` is
``wenku CMD --help``, whose usage line says ``wenku CMD`` and which ends with the command's examples. Django's own
commands (createsuperuser, migrate, shell, ...) run by their names; ``wenku help --django`` lists them all.
"""

from __future__ import annotations

import argparse
import os
import sys

from django.core.management.base import DjangoHelpFormatter

# restore: loads a whole database into an empty one, then migrates it itself.
NO_AUTO_MIGRATE = {
    "migrate",
    "makemigrations",
    "help",
    "version",
    "where",
    "makemessages",
    "compilemessages",
    "restore",
}
HELP = ("help", "-h", "--help")


def main(argv: list[str] | None = None) -> None:
    argv = list(sys.argv[1:] if argv is None else argv)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "wenku.settings")
    try:
        status = run(argv)
        sys.stdout.flush()
    except BrokenPipeError:
        # `wenku search x | head -1`: the reader has gone; stop without a traceback (and without the
        # interpreter's own complaint when it flushes stdout at exit).
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        status = 141  # as a shell reports a process ended by SIGPIPE
    sys.exit(status)


def run(argv: list[str]) -> int:
    import django

    django.setup()
    from django.utils.translation import gettext as _

    from wenku.cli import catalog

    if not argv or argv[0] in HELP:
        topic = argv[1:]
        if not topic:
            sys.stdout.write(overview())
            return 0
        if topic[0] == "--django":
            from django.core.management import ManagementUtility

            sys.stdout.write(ManagementUtility(["wenku"]).main_help_text() + "\n")
            return 0
        argv = [topic[0], "--help"]
    if argv[0] in ("--version", "version"):
        from importlib.metadata import version

        sys.stdout.write(f"wenku {version('wenku')}\n")
        return 0
    found = catalog.resolve(argv[0])
    if found is None:
        sys.stderr.write(_("wenku: unknown command %(name)s (wenku help lists the commands)") % {"name": argv[0]})
        sys.stderr.write("\n")
        return 2
    app, django_name = found
    name, args = catalog.short_name(django_name), argv[1:]
    asks_help = any(a in ("-h", "--help") for a in args)
    if not asks_help:
        warn_about_other_data_dir()
    if name not in NO_AUTO_MIGRATE and not asks_help:
        migrate_if_needed()
    command = catalog.load(app, django_name)
    dress(command, name)
    if getattr(command, "free_words", False):
        from wenku.cli.words import options_first

        args = options_first(command.create_parser("wenku", name), args)
    command.run_from_argv(["wenku", name, *args])
    return 0


def overview() -> str:
    """`wenku help`: our commands with their one-line help, then the Django commands a site owner needs."""
    from django.conf import settings
    from django.utils.translation import gettext as _

    from wenku.cli import catalog

    lines = [_("usage: wenku COMMAND [options]   (wenku help COMMAND: a command's options and examples)"), ""]
    lines.append(_("Commands:"))
    entries = catalog.ours()
    width = max(len(name) for name in entries) + 2
    for name, entry in entries.items():
        command = catalog.load(entry.app, entry.django_name)
        lines.append(f"  {name.ljust(width)}{catalog.summary(command)}")
    lines.append("")
    lines.append(_("Django's commands, for the site owner:"))
    lines.append("  " + ", ".join(catalog.USEFUL_DJANGO) + "   " + _("(all of them: wenku help --django)"))
    lines.append("")
    lines.append(_("Data dir: %(path)s") % {"path": settings.DATA_DIR} + "   " + _("(wenku where: why this one)"))
    return "\n".join(lines) + "\n"


class _HelpFormatter(DjangoHelpFormatter, argparse.RawDescriptionHelpFormatter):
    """Django's order of options (ours first), with the examples' lines kept as written."""


def dress(command, name: str) -> None:
    """Give the command's parser our formatter and its examples as the help's last part."""
    from django.utils.translation import gettext as _

    create_parser = command.create_parser
    examples = getattr(command, "examples", "") or ""
    if isinstance(examples, (list, tuple)):  # one example an item
        examples = "\n".join(f"  {example}" for example in examples)
    examples = str(examples).strip("\n")
    command.help = str(command.help or "")

    def create(prog_name, subcommand, **kwargs):
        kwargs.setdefault("formatter_class", _HelpFormatter)
        if examples:
            kwargs.setdefault("epilog", _("Examples:") + "\n" + examples)
        return create_parser(prog_name, subcommand, **kwargs)

    command.create_parser = create


def warn_about_other_data_dir() -> None:
    """A ./wenku-data in the current folder that is not the data dir in use: say so, since older versions used it."""
    from pathlib import Path

    from django.conf import settings
    from django.utils.translation import gettext as _

    here = Path.cwd() / "wenku-data"
    if (here / "wenku.sqlite3").exists() and here.resolve() != Path(settings.DATA_DIR).resolve():
        message = _("Note: %(here)s is not used; the data dir is %(path)s (to use that one: WENKU_DATA_DIR=%(here)s)")
        sys.stderr.write(message % {"here": here, "path": settings.DATA_DIR} + "\n")


def migrate_if_needed() -> None:
    """Create and migrate the database when it is new or behind the code."""
    from django.core.management import call_command
    from django.db import connection
    from django.db.migrations.executor import MigrationExecutor

    executor = MigrationExecutor(connection)
    plan = executor.migration_plan(executor.loader.graph.leaf_nodes())
    if plan:
        call_command("migrate", interactive=False, verbosity=0)
