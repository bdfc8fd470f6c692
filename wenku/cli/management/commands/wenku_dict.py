"""wenku dict add WORD... / wenku dict list: the site dictionary of extra words for segmentation."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError

from wenku.search.dictionary import add_site_word
from wenku.search.models import SiteWord


class Command(BaseCommand):
    help = "Add words to the site dictionary (documents containing them are re-indexed), or list them."

    def add_arguments(self, parser):
        parser.add_argument("action", choices=["add", "list"])
        parser.add_argument("words", nargs="*")

    def handle(self, *args, action: str, words: list[str], **options):
        if action == "list":
            for word in SiteWord.objects.values_list("word", flat=True):
                self.stdout.write(word)
            return
        if not words:
            raise CommandError("give at least one word: wenku dict add 主题教育")
        for word in words:
            try:
                count = add_site_word(word)
            except ValueError as exc:
                raise CommandError(f"{word!r}: {exc}") from None
            self.stdout.write(f"added {word}; {count} documents re-indexed")
