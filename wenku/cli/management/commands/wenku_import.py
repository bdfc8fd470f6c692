"""wenku import [--json] [--category NAME] PATH...: import files and folders (recursive) into the library."""

from __future__ import annotations

import json
import sys
import time

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from wenku.checking.duplicates import review_new_documents
from wenku.ingest.importer import ImportOptions, ImportResult, import_file, iter_files
from wenku.search.indexing import apply_pending
from wenku.text.storable import storable


class Command(BaseCommand):
    help = "Import .txt .md .html .docx .pdf .epub .jsonl .doc .wps .rtf .odt .ppt .pptx .odp files (folders walked)."

    def add_arguments(self, parser):
        parser.add_argument("paths", nargs="+", metavar="PATH")
        parser.add_argument("--json", action="store_true", help="one JSON object per document per line")
        parser.add_argument("--category", metavar="NAME", help="put the documents in this category")
        parser.add_argument("--uploader", metavar="USERNAME", help="the user shown as sharing them")

    def handle(self, *args, paths, json: bool, category: str | None, uploader: str | None, **options):
        for option, value in (("--category", category), ("--uploader", uploader)):
            if value is not None and not storable(value):
                raise CommandError(f"{option}: 含有不允许的字符（NUL 空字符或无效的 Unicode 字符）")
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
            for path in files:
                for result in import_file(path, options):
                    report(result)
                advance(path.name)
        indexed_started = time.perf_counter()
        indexed = apply_pending()
        findings = review_new_documents(list(imported))
        if any(f.action == "rejected" for f in findings):
            apply_pending()
        index_seconds = time.perf_counter() - indexed_started
        for finding in findings:
            if json:
                self.stdout.write(_finding_line(imported[finding.document_id], finding))
            else:
                verb = {"recorded": "", "flagged": " (sent to moderation)", "rejected": " (rejected)"}[finding.action]
                self.stdout.write(f"《{finding.document_title}》: {finding.describe()}{verb}")
        seconds = time.perf_counter() - started
        summary = (
            f"{tally['imported']} imported, {tally['duplicate']} duplicate, {tally['failed']} failed; "
            f"{chars:,} 字 in {seconds:.1f} s (search index: {indexed} documents, {index_seconds:.1f} s)"
            + (f"; {len(findings)} near-duplicate" if findings else "")
        )
        (sys.stderr if json else self.stdout).write(summary + "\n")
        if tally["failed"]:
            raise SystemExit(1)

    def _uploader_id(self, username: str | None) -> int | None:
        users = get_user_model().objects
        if username:
            user = users.filter(username=username).first()
            if user is None:
                raise CommandError(f"no user named {username!r}")
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
            TextColumn("[bold]导入"),
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
