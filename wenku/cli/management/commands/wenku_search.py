"""wenku search [--json] WORD...: search the library from the command line."""

from __future__ import annotations

import json
import re

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext

from wenku.search.backends.base import SearchUnavailable
from wenku.search.service import QueryError, search

_TAGS = re.compile(r"</?mark>")


class Command(BaseCommand):
    help = gettext_lazy('Search the library. Words are AND-ed; "exact phrase", -exclude and OR work.')
    examples = gettext_lazy(
        "  wenku search 高质量发展 -农村          documents with 高质量发展 but without 农村\n"
        '  wenku search "全过程人民民主" OR 协商   an exact phrase, or 协商\n'
        "  wenku search --json --size 50 数字经济   the first 50 hits as JSON"
    )
    free_words = True  # `-农村` is a word of the query, not an option (wenku/cli/words.py)

    def add_arguments(self, parser):
        parser.add_argument("query", nargs="+", metavar="WORD", help=_("search words; -WORD excludes a word"))
        parser.add_argument("--json", action="store_true", help=_("print the results as JSON"))
        parser.add_argument("--page", type=int, default=1, help=_("page of results (default 1)"))
        parser.add_argument("--size", type=int, default=10, help=_("results per page (default 10)"))

    def handle(self, *args, query, json: bool, page: int, size: int, **options):
        raw = " ".join(query)
        try:
            results = search(raw, page=page, size=size)
        except (QueryError, SearchUnavailable) as exc:  # a bad query; a damaged index (run wenku reindex)
            raise CommandError(str(exc)) from None
        if json:
            self.stdout.write(_as_json(results))
            return
        self.stdout.write(_("%(total)d documents") % {"total": results.total})
        for hit in results.hits:
            pages = pgettext("list separator", ", ").join(str(n) for n in hit.pages[:10])
            line = _("《%(title)s》 page %(page)d (matching pages: %(pages)s)") % {
                "title": hit.document.title,
                "page": hit.page,
                "pages": pages,
            }
            self.stdout.write(f"\n{line}  /d/{hit.document.pk}/")
            self.stdout.write("  " + _TAGS.sub("", str(hit.snippet)))
        for suggestion in results.suggestions:
            self.stdout.write(
                "\n"
                + _("Without “%(drop)s”: %(total)d documents: %(query)s")
                % {"drop": suggestion["drop"], "total": suggestion["total"], "query": suggestion["query"]}
            )


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
