"""wenku export DEST.jsonl [--category NAME] [--include-private] [--split MB]: documents as re-importable JSONL."""

from __future__ import annotations

from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from wenku.ops.export import ExportError, documents, export


class Command(BaseCommand):
    help = gettext_lazy(
        "Export documents as JSONL that `wenku import` reads back.\n\n"
        'One {"id", "title", "text", …} record a line, the text exactly as stored (also category, description, '
        "visibility, status, created). Listed documents only (public, published) unless --include-private. "
        "DEST - writes to stdout."
    )
    examples = gettext_lazy(
        "  wenku export library.jsonl                            every listed document\n"
        "  wenku export --category 政府工作报告 reports.jsonl       one category\n"
        "  wenku export --include-private --split 100 all.jsonl   all-0001.jsonl … of at most 100 MB each"
    )

    def add_arguments(self, parser):
        parser.add_argument("destination", metavar="DEST.jsonl")
        parser.add_argument("--category", metavar="NAME", help=_("only the documents of this category"))
        parser.add_argument(
            "--include-private",
            action="store_true",
            help=_("every document: unlisted, private, pending and rejected ones too"),
        )
        parser.add_argument(
            "--split", type=int, metavar="MB", help=_("several files DEST-0001.jsonl … of at most MB megabytes each")
        )

    def handle(self, *args, destination: str, category, include_private: bool, split: int | None, **options):
        if split is not None and split < 1:
            raise CommandError(_("--split: at least 1 (MB)"))
        try:
            queryset = documents(category, include_private)
        except ExportError as exc:
            raise CommandError(str(exc)) from None
        target = None if destination == "-" else Path(destination)
        result = export(target, queryset, split_bytes=split * 1024 * 1024 if split else None)
        if target is None:
            return
        names = ", ".join(str(p) for p in result.files[:3]) + (" …" if len(result.files) > 3 else "")
        self.stdout.write(_("exported %(count)d documents to %(files)s") % {"count": result.documents, "files": names})
        limit = settings.WENKU_MAX_FILE_MB
        if result.largest_bytes > limit * 1024 * 1024:
            note = _(
                "note: %(size).0f MB is more than `wenku import` takes from one file (WENKU_MAX_FILE_MB=%(limit)d): "
                "export with --split %(limit)d or raise WENKU_MAX_FILE_MB for the import"
            )
            self.stderr.write(note % {"size": result.largest_bytes / 1048576, "limit": limit})
