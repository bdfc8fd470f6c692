"""wenku import [--json] [--category NAME] PATH...: import files and folders (recursive) into the library."""

from __future__ import annotations

import json
import logging
import sys
import time

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.utils.functional import lazy
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from wenku.ingest import formats
from wenku.ingest.importer import ImportOptions, ImportResult, iter_files
from wenku.jobs import pipeline
from wenku.text.storable import storable

_FORMATS = {"formats": " ".join(formats.USUAL_EXTENSIONS)}  # .txt .md .html … from the format table


class Command(BaseCommand):
    help = lazy(lambda: _("Import files and folders (walked recursively): %(formats)s.") % _FORMATS, str)()
    examples = gettext_lazy(
        "  wenku import --category 学习材料 ~/材料/         every file in a folder, into a category\n"
        "  wenku import --json report.docx speeches.jsonl   one JSON line per document\n"
        "  WENKU_DATA_DIR=/srv/wenku wenku import a.pdf     into another data dir"
    )

    def add_arguments(self, parser):
        parser.add_argument("paths", nargs="+", metavar="PATH", help=_("files and folders to import"))
        parser.add_argument("--json", action="store_true", help=_("one JSON object per document per line"))
        parser.add_argument("--category", metavar="NAME", help=_("put the documents in this category"))
        parser.add_argument("--uploader", metavar="USERNAME", help=_("the user shown as sharing them"))

    def handle(self, *args, **options):
        events = logging.getLogger("wenku.events")
        level = events.level
        if settings.WENKU_LOG_FORMAT == "text" and options.get("verbosity", 1) < 2:
            events.setLevel(logging.ERROR)  # each file's own line says it already
        try:
            self.import_paths(**options)
        finally:
            events.setLevel(level)

    def import_paths(self, *, paths, json: bool, category: str | None, uploader: str | None, **options):
        for option, value in (("--category", category), ("--uploader", uploader)):
            if value is not None and not storable(value):
                message = _("%(option)s: contains characters that cannot be stored (NUL or invalid Unicode)")
                raise CommandError(message % {"option": option})
        if not json:  # --json output is read by programs: stderr then holds the summary alone
            self.stderr.write(_("Data dir: %(path)s") % {"path": settings.DATA_DIR})
        files = list(iter_files(paths))
        options = ImportOptions(category=category, uploader_id=self._uploader_id(uploader))
        started = time.perf_counter()
        tally = {"imported": 0, "duplicate": 0, "failed": 0}
        chars = 0
        imported: dict[int, str] = {}  # document id -> the file it came from

        def report(result: ImportResult) -> None:
            nonlocal chars
            tally[result.status] += 1
            if result.status == "imported":
                chars += result.chars or 0
                imported[result.id] = result.path
            if json:
                self.stdout.write(_json_line(result))
            elif progress.bar:
                progress.bar.console.print(f"{result.path}: {result.describe()}", markup=False, highlight=False)
            else:
                line = f"{result.path}: {result.describe()}"
                (self.stderr if result.status == "failed" else self.stdout).write(line)

        progress = _progress(len(files), enabled=not json and sys.stderr.isatty())
        with progress as advance:
            stored = pipeline.import_files(files, options, on_result=report, on_file=lambda path: advance(path.name))
        indexed, findings = stored.indexed, list(stored.findings.values())
        index_seconds = stored.settle_seconds
        for finding in findings:
            if json:
                self.stdout.write(_finding_line(imported[finding.document_id], finding))
            else:
                verb = {"recorded": "", "flagged": _(" (sent to moderation)"), "rejected": _(" (rejected)")}[
                    finding.action
                ]
                self.stdout.write(f"《{finding.document_title}》: {finding.describe()}{verb}")
        seconds = time.perf_counter() - started
        summary = _(
            "%(imported)d imported, %(duplicate)d duplicate, %(failed)d failed; %(chars)s 字 in %(seconds).1f s "
            "(search index: %(indexed)d documents, %(index_seconds).1f s)"
        ) % {**tally, "chars": f"{chars:,}", "seconds": seconds, "indexed": indexed, "index_seconds": index_seconds}
        if findings:
            summary += _("; %(count)d near-duplicate") % {"count": len(findings)}
        (sys.stderr if json else self.stdout).write(summary + "\n")
        if tally["failed"]:
            raise SystemExit(1)

    def _uploader_id(self, username: str | None) -> int | None:
        users = get_user_model().objects
        if username:
            user = users.filter(username=username).first()
            if user is None:
                raise CommandError(_("no user named %(name)r") % {"name": username})
            return user.pk
        first_admin = users.filter(is_superuser=True).order_by("pk").first()
        return first_admin.pk if first_admin else None


def _finding_line(path: str, finding) -> str:
    """A near-duplicate found after the batch: one more line for the file, after its "imported" line."""
    line = {"path": path, "status": "near-duplicate", "title": finding.document_title, **finding.as_dict()}
    return json.dumps(line, ensure_ascii=False)


def _json_line(result: ImportResult) -> str:
    return json.dumps(result.as_dict(), ensure_ascii=False)


class _progress:
    """A rich progress bar on a terminal; nothing otherwise."""

    def __init__(self, total: int, enabled: bool) -> None:
        self.total, self.enabled, self.bar = total, enabled and total > 1, None

    def __enter__(self):
        if not self.enabled:
            return lambda name: None
        from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

        self.bar = Progress(
            TextColumn("[bold]" + _("Importing")),
            BarColumn(),
            MofNCompleteColumn(),
            TimeRemainingColumn(),
            TextColumn("{task.description}"),
            transient=True,
        )
        self.bar.start()
        task = self.bar.add_task("", total=self.total)
        return lambda name: self.bar.update(task, advance=1, description=name)

    def __exit__(self, *exc):
        if self.bar:
            self.bar.stop()
        return False
