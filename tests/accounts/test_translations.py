"""The Chinese catalog of wenku/accounts is complete and compiled: every message in the code and templates has a
translation, and django.mo says what django.po says (a .po edited without recompiling fails here)."""

from __future__ import annotations

import ast
import gettext
import re

from tests.conftest import REPO

APP = REPO / "wenku" / "accounts"
CATALOG = APP / "locale" / "zh_Hans" / "LC_MESSAGES"


def po_entries() -> dict[str, str]:
    """msgid → msgstr (msgstr[0] for plurals), from the simple .po that makemessages writes."""
    entries, msgid, msgstr, field = {}, None, None, None
    for line in [*(CATALOG / "django.po").read_text(encoding="utf-8").splitlines(), ""]:
        if line.startswith("msgid "):
            msgid, msgstr, field = ast.literal_eval(line[6:]), None, "id"
        elif line.startswith(("msgstr ", "msgstr[0] ")):
            msgstr, field = ast.literal_eval(line.split(" ", 1)[1]), "str"
        elif line.startswith('"') and field == "id":
            msgid += ast.literal_eval(line)
        elif line.startswith('"') and field == "str":
            msgstr += ast.literal_eval(line)
        elif not line.strip() and msgid:
            entries[msgid] = msgstr
            msgid, field = None, None
        elif line.startswith(("msgid_plural", "msgstr[")):
            field = None
    return entries


def used_messages() -> set[str]:
    found = set()
    for path in APP.rglob("*.py"):
        found |= set(re.findall(r"\b_\(\s*\"([^\"]+)\"", path.read_text(encoding="utf-8")))
    for path in (APP / "templates").rglob("*.html"):
        found |= set(re.findall(r"{% translate \"([^\"]+)\"", path.read_text(encoding="utf-8")))
    return found


def test_every_message_is_translated_and_compiled():
    entries = po_entries()
    assert len(entries) > 50
    untranslated = sorted(msgid for msgid, msgstr in entries.items() if not msgstr)
    assert not untranslated
    with (CATALOG / "django.mo").open("rb") as compiled:
        catalog = gettext.GNUTranslations(compiled)
    stale = sorted(msgid for msgid, msgstr in entries.items() if catalog.gettext(msgid) != msgstr)
    assert not stale, "run msgfmt -o django.mo django.po"
    missing = sorted(used_messages() - set(entries))
    assert not missing, "run django-admin makemessages -l zh_Hans in wenku/accounts"
