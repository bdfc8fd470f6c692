"""wenku search [--json] QUERY: search the library from the command line."""

from __future__ import annotations

import json
import re

from django.core.management.base import BaseCommand, CommandError

from wenku.search.backends.base import SearchUnavailable
from wenku.search.service import QueryError, search

_TAGS = re.compile(r"</?mark>")


class Command(BaseCommand):
    help = 'Search: words are AND-ed, "exact phrase", -exclude, OR.'

    def add_arguments(self, parser):
        parser.add_argument("query", nargs="+")
        parser.add_argument("--json", action="store_true")
        parser.add_argument("--page", type=int, default=1)
        parser.add_argument("--size", type=int, default=10)

    def handle(self, *args, query, json: bool, page: int, size: int, **options):
        raw = " ".join(query)
        try:
            results = search(raw, page=page, size=size)
        except (QueryError, SearchUnavailable) as exc:  # a bad query; a damaged index (run wenku reindex)
            raise CommandError(str(exc)) from None
        if json:
            self.stdout.write(_as_json(results))
            return
        self.stdout.write(f"{results.total} 篇文档")
        for hit in results.hits:
            pages = "、".join(str(n) for n in hit.pages[:10])
            self.stdout.write(f"\n《{hit.document.title}》 第{hit.page}页 (匹配页: {pages})  /d/{hit.document.pk}/")
            self.stdout.write("  " + _TAGS.sub("", str(hit.snippet)))
        for suggestion in results.suggestions:
            self.stdout.write(f"\n去掉“{suggestion['drop']}”可找到 {suggestion['total']} 篇: {suggestion['query']}")


def _as_json(results) -> str:
    return json.dumps(
        {
            "total": results.total,
            "hits": [
                {
                    "id": h.document.pk,
                    "title": h.document.title,
                    "page": h.page,
                    "pages": h.pages,
                    "snippet": str(h.snippet),
                    "score": h.score,
                }
                for h in results.hits
            ],
        },
        ensure_ascii=False,
    )
