"""wenku reindex: rebuild the search index from the library."""

from __future__ import annotations

import time

from django.core.management.base import BaseCommand
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from wenku.search.indexing import rebuild


class Command(BaseCommand):
    help = gettext_lazy("Rebuild the search index and the 查重 index from every searchable document.")
    examples = gettext_lazy("  wenku reindex      after a damaged index, a restored backup or a new analyzer")

    def handle(self, *args, **options):
        started = time.perf_counter()
        count = rebuild(progress=self._progress)
        message = _("indexed %(count)d documents in %(seconds).1f s")
        self.stdout.write(message % {"count": count, "seconds": time.perf_counter() - started})

    def _progress(self, done: int, total: int) -> None:
        self.stderr.write(f"\r{done}/{total}", ending="")
        if done == total:
            self.stderr.write("")
