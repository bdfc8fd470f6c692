"""wenku check [--json] FILE: check a file (or `-` for standard input) against the library (查重).

The index is brought up to date first, as an import does; nothing is stored.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from wenku.checking.display import percent
from wenku.checking.report import CheckReport
from wenku.checking.service import CheckError, check_text
from wenku.checking.sources import page_url
from wenku.checking.submission import SubmissionError, text_of_file
from wenku.search.indexing import apply_pending


class Command(BaseCommand):
    help = gettext_lazy(
        "Check a .txt .md .html .docx .pdf .epub file (or - for standard input, as text) against the library (查重)."
    )
    examples = gettext_lazy(
        "  wenku check 论文.docx                 the report: 复制比 and each copied passage with its source\n"
        "  wenku check --json 论文.pdf           the same as JSON (as POST /api/check)\n"
        "  pbpaste | wenku check -             text from standard input"
    )
    free_words = True  # a file named -草稿.txt is a file, not an option (wenku/cli/words.py)

    def add_arguments(self, parser):
        parser.add_argument("file", metavar="FILE", help=_("the file to check, or - to read text from standard input"))
        parser.add_argument("--json", action="store_true", help=_("print the report as JSON (as POST /api/check)"))

    def handle(self, *args, file: str, json: bool, **options):
        text = _read(file)
        try:
            apply_pending()
        except (ValueError, OSError) as exc:  # another process holds the index writer: check with what is there
            self.stderr.write(f"索引正忙，使用现有索引查重：{exc}")
        try:
            report = check_text(text)
        except CheckError as exc:
            raise CommandError(str(exc)) from None
        self.stdout.write(_as_json(report) if json else _as_text(report))


def _read(file: str) -> str:
    if file == "-":
        data, name = sys.stdin.buffer.read(), "stdin.txt"
    else:
        path = Path(file)
        try:
            if not path.is_file():
                raise CommandError(f"不是文件：{file}")
            if path.stat().st_size > settings.WENKU_MAX_FILE_MB * 1024 * 1024:
                raise CommandError(f"文件太大（上限 {settings.WENKU_MAX_FILE_MB} MB）：{file}")
            data, name = path.read_bytes(), path.name
        except OSError as exc:
            raise CommandError(f"无法读取 {file}：{exc.strerror or exc}") from None
    try:
        return text_of_file(data, name)
    except SubmissionError as exc:
        raise CommandError(f"{file}：{exc}") from None


def _as_json(report: CheckReport) -> str:
    return json.dumps(report.to_json(), ensure_ascii=False)


def _as_text(report: CheckReport) -> str:
    lines = [
        f"总文字复制比 {percent(report.ratio)}  去除引用复制比 {percent(report.ratio_excluding_quotes)}  "
        f"单篇最大文字复制比 {percent(report.largest_share)}",
        f"总字数 {report.chars}  重复字数 {report.copied_chars}  "
        f"（连续 {report.min_run} 字相同计为复制；在超过 {report.common_docs} 篇文档中出现的片段为常见表述）",
    ]
    if not report.sources:
        lines.append("\n没有找到相同的文字。")
        return "\n".join(lines)
    lines.append("\n相似来源：")
    for number, source in enumerate(report.sources, 1):
        share = percent(source.share)
        lines.append(f"[{number}] 《{source.title}》 重复 {source.copied_chars} 字（{share}）  {source.url}")
    lines.append("\n复制的段落：")
    for number, source in enumerate(report.sources, 1):
        for match in source.matches:
            lines.append(
                f"[{number}] 第 {match.start + 1}–{match.end} 字符 ← 《{source.title}》第{match.page}页  "
                f"{page_url(source.id, match.page)}"
            )
            lines.append("    " + report.text[match.start : match.end].replace("\n", "\n    "))
    return "\n".join(lines)
