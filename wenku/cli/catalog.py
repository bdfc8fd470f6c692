"""Which commands are ours, found rather than listed: every management command of a ``wenku.*`` app, under its
name without the ``wenku_`` prefix (``wenku_import`` is ``wenku import``, ``token`` stays ``token``). A command
another part of Wenku adds appears in ``wenku help`` by itself; Django's own commands stay reachable by name.

A command may carry ``examples`` (text, one example a line, translatable) and ``free_words = True`` when its
positionals are free text in which a word may start with "-" (see words.py).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

PREFIX = "wenku_"
# Django's commands a site owner needs, named in `wenku help` after ours (the rest: `wenku help --django`).
USEFUL_DJANGO = ("createsuperuser", "changepassword", "migrate", "shell", "dbshell")


@dataclass(frozen=True)
class Entry:
    name: str  # as typed after `wenku`
    django_name: str  # the management command's module name
    app: str


@cache
def ours() -> dict[str, Entry]:
    """Our commands by the name typed after ``wenku``, in alphabetical order."""
    from django.core.management import get_commands

    found = {}
    for django_name, app in get_commands().items():
        if app.startswith("wenku.") or app == "wenku":
            name = django_name.removeprefix(PREFIX)
            found[name] = Entry(name, django_name, app)
    return dict(sorted(found.items()))


def resolve(name: str) -> tuple[str, str] | None:
    """(app, django command name) for what the user typed: one of ours, or any Django command; None if unknown."""
    from django.core.management import get_commands

    entry = ours().get(name)
    if entry:
        return entry.app, entry.django_name
    app = get_commands().get(name)
    return (app, name) if app else None


def short_name(django_name: str) -> str:
    return django_name.removeprefix(PREFIX) if django_name.startswith(PREFIX) else django_name


def load(app: str, django_name: str):
    from django.core.management import load_command_class

    return load_command_class(app, django_name)


def summary(command) -> str:
    """The first line of a command's help."""
    return str(command.help or "").strip().split("\n", 1)[0]
