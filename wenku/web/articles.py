"""The reading page's view of a compilation: its table of contents (目录) and the article a page is in."""

from __future__ import annotations

from wenku.library.models import Document


def article_anchor(number: int) -> str:
    return f"a{number}"


def table_of_contents(document: Document) -> list[dict]:
    """Each article's number, title, start, page, 字数, URL and anchor id, in order; [] for a single document."""
    rows = document.articles.values_list("title", "start", "page", "chars")
    return [
        {
            "number": number,
            "title": title,
            "start": start,
            "page": page,
            "chars": chars,
            "anchor": article_anchor(number),
            "url": document.route("web:article", number),
        }
        for number, (title, start, page, chars) in enumerate(rows, start=1)
    ]


def current_article(articles: list[dict], page_start: int) -> dict | None:
    """The article covering the top of a page: the last one starting at or before it."""
    current = None
    for article in articles:
        if article["start"] > page_start:
            break
        current = article
    return current
