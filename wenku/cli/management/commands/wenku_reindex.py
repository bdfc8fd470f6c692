"""wenku reindex: rebuild the search index from the library."""

from __future__ import annotations

import time

from django.core.management.base import BaseCommand

from wenku.search.indexing import rebuild


class Command(BaseCommand):
    help = "Rebuild the search index from every searchable document."

    def handle(self, *args, **options):
        started = time.perf_counter()
        count = rebuild(progress=self._progress)
        self.stdout.write(f"indexed {count} documents in {time.perf_counter() - started:.1f} s")

    def _progress(self, done: int, total: int) -> None:
        self.stderr.write(f"\r{done}/{total}", ending="")
        if done == total:
            self.stderr.write("")
