"""wenku dict add WORD... / wenku dict list: the site dictionary of extra words for segmentation."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from wenku.search.dictionary import add_site_word
from wenku.search.indexing import apply_pending
from wenku.search.models import SiteWord


class Command(BaseCommand):
    help = gettext_lazy("Add words to the site dictionary (documents containing them are re-indexed), or list them.")
    examples = gettext_lazy(
        "  wenku dict add 两个维护 主题教育   segment these as words from now on\n"
        "  wenku dict list                  the words added so far"
    )

    def add_arguments(self, parser):
        parser.add_argument("action", choices=["add", "list"], help=_("add words, or list them"))
        parser.add_argument("words", nargs="*", metavar="WORD", help=_("the words to add"))

    def handle(self, *args, action: str, words: list[str], **options):
        if action == "list":
            for word in SiteWord.objects.values_list("word", flat=True):
                self.stdout.write(word)
            return
        if not words:
            raise CommandError(_("give at least one word: wenku dict add 主题教育"))
        for word in words:
            try:
                count = add_site_word(word)
            except ValueError as exc:
                raise CommandError(f"{word!r}: {exc}") from None
            self.stdout.write(_("added %(word)s; %(count)d documents re-indexed") % {"word": word, "count": count})
        apply_pending(rebuild_stale=False)  # the queued documents, now (a command may take its time)
