"""Messages are written once, in English, and said in the site's language (zh-hans) through gettext: the
importer's reasons (also those made in the parse sandbox), the `wenku` command and the API's errors."""

from __future__ import annotations

import gettext
import os
import shutil
import subprocess
import sys

import pytest
from django.test import Client
from django.utils import translation

from tests.conftest import REPO, require


def test_an_import_reason_is_said_in_chinese_and_written_in_english(import_one, tmp_path):
    empty = tmp_path / "空.txt"
    empty.write_bytes(b"")
    assert import_one(empty).reason == "文件是空的"
    with translation.override("en"):
        assert import_one(empty).reason == "empty file"


def test_a_reason_from_the_parse_sandbox_is_translated_with_its_fields(import_one, tmp_path):
    damaged = tmp_path / "坏.docx"
    damaged.write_bytes(b"PK\x03\x04 not really a zip")
    assert import_one(damaged).reason == "不是有效的 .docx 文件（文件已损坏或格式不符）"
    binary = tmp_path / "二进制.txt"
    binary.write_bytes(bytes(range(1, 32)) * 200)
    assert import_one(binary).reason == "无法识别文件的文字编码：这是二进制数据，不是文本（满是控制字符）"
    with translation.override("en"):
        assert import_one(binary).reason == "cannot decode the text: binary data, not text (full of control characters)"


def test_the_cli_speaks_one_language(wenku, tmp_path, reports_dir):
    empty = tmp_path / "空.txt"
    empty.write_bytes(b"")
    done = wenku("import", str(empty), str(reports_dir / "1975.txt"), check=False)
    assert done.returncode == 1
    assert f"{empty}: 失败：文件是空的" in done.stderr
    assert "已导入《" in done.stdout
    assert "导入 1，重复 0，失败 1；" in done.stdout
    said = [line for line in (done.stdout + done.stderr).splitlines() if " wenku.events " not in line]  # not logs
    for english in ("imported", "failed", "duplicate", "empty file"):
        assert not [line for line in said if english in line], english


@pytest.mark.django_db
def test_the_api_answers_errors_in_chinese():
    client = Client()
    missing = client.get("/api/documents/999999")
    assert missing.status_code == 404
    assert missing.json() == {"detail": "未找到"}
    anonymous = client.get("/api/me/favorites")
    assert anonymous.status_code == 401
    assert anonymous.json() == {"detail": "未登录或令牌无效"}


@pytest.mark.parametrize("po", sorted(REPO.glob("wenku/**/locale/*/LC_MESSAGES/django.po")), ids=str)
def test_the_committed_catalogs_are_compiled_from_their_po_files(po, tmp_path):
    """The .mo files are committed (nothing to generate at setup); they must say what the .po says."""
    require(shutil.which("msgfmt") is not None, "GNU gettext's msgfmt (Debian: gettext)")
    fresh = tmp_path / "fresh.mo"
    subprocess.run(["msgfmt", "--check", "-o", str(fresh), str(po)], check=True, capture_output=True)
    with fresh.open("rb") as a, po.with_suffix(".mo").open("rb") as b:
        compiled, committed = gettext.GNUTranslations(a), gettext.GNUTranslations(b)
    assert committed._catalog == compiled._catalog, f"run: msgfmt -o {po.with_suffix('.mo')} {po}"


@pytest.mark.parametrize("po", sorted(REPO.glob("wenku/**/locale/*/LC_MESSAGES/django.po")), ids=str)
def test_every_message_has_a_translation(po):
    text = po.read_text(encoding="utf-8")
    assert "#, fuzzy" not in text
    assert '\nmsgstr ""\n\n' not in text and not text.rstrip().endswith('msgstr ""'), "an untranslated message"


def test_every_marked_message_is_in_the_catalog(tmp_path):
    """makemessages over a copy of the package finds no message the committed catalogs lack."""
    require(shutil.which("xgettext") is not None, "GNU gettext's xgettext (Debian: gettext)")
    copy = tmp_path / "wenku"
    shutil.copytree(REPO / "wenku", copy, ignore=shutil.ignore_patterns("__pycache__", "sample_library"))
    for ignore, where in (("accounts/*", copy), ("*", copy / "accounts")):
        subprocess.run(
            [sys.executable, "-m", "django", "makemessages", "-l", "zh_Hans", "--no-location", "--ignore", ignore]
            if where == copy
            else [sys.executable, "-m", "django", "makemessages", "-l", "zh_Hans", "--no-location"],
            cwd=where,
            check=True,
            capture_output=True,
            env={**os.environ, "DJANGO_SETTINGS_MODULE": "wenku.settings"},
        )
    for fresh in copy.glob("**/locale/zh_Hans/LC_MESSAGES/django.po"):
        committed = REPO / "wenku" / fresh.relative_to(copy)
        assert _msgids(fresh) <= _msgids(committed), sorted(_msgids(fresh) - _msgids(committed))


def _msgids(po) -> set[str]:
    """The msgids of a .po file (one per entry, continuation lines joined)."""
    ids, current = set(), None
    for line in po.read_text(encoding="utf-8").splitlines():
        if line.startswith("msgid "):
            current = [line[6:]]
        elif current is not None and line.startswith('"'):
            current.append(line)
        elif current is not None:
            ids.add("".join(part.strip('"') for part in current))
            current = None
    return ids - {""}
