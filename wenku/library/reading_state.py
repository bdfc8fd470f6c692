"""The few facts a reading-page request needs about its document, in one cheap query.

Rendered reading pages are cached, so on most requests this lookup is the only database work: it is written
as one plain SELECT by primary key (the ORM's query building costs more than the query here), and visibility
is decided by DocumentQuerySet.opens_for, the row-level twin of openable_by.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.db import connection
from django.utils.dateparse import parse_datetime
from django.utils.timezone import is_naive, make_aware

from wenku.library.models import Document, DocumentQuerySet, Visibility, is_key

_SQL = (
    f"SELECT id, page_count, updated, views, status, visibility, uploader_id "
    f"FROM {Document._meta.db_table} WHERE {{column}} = %s"
)


@dataclass(frozen=True)
class ReadingState:
    id: int
    page_count: int
    updated: datetime
    views: int
    unlisted: bool


def reading_state(ref: int | str, user) -> ReadingState | None:
    """The state of the document at ``ref`` (an id, or an access key) if ``user`` may open it there, else None
    (missing and hidden look the same)."""
    by_key = is_key(ref)
    with connection.cursor() as cursor:
        cursor.execute(_SQL.format(column="access_key" if by_key else "id"), [ref if by_key else int(ref)])
        row = cursor.fetchone()
    if row is None:
        return None
    document_id, page_count, updated, views, status, visibility, uploader_id = row
    if not DocumentQuerySet.opens_for(user, status, visibility, uploader_id, by_key=by_key):
        return None
    if isinstance(updated, str):  # SQLite hands back text
        updated = parse_datetime(updated)
    if is_naive(updated):
        updated = make_aware(updated, connection.timezone)
    unlisted = visibility == Visibility.UNLISTED
    return ReadingState(id=document_id, page_count=page_count, updated=updated, views=views, unlisted=unlisted)


def listed_titles(document_ids: list[int], user) -> dict[int, tuple[str, int]]:
    """{id: (title, chars)} of those documents that may be listed for ``user``, in one plain query."""
    if not document_ids:
        return {}
    marks = ", ".join(["%s"] * len(document_ids))
    sql = (
        f"SELECT id, title, chars, status, visibility, uploader_id FROM {Document._meta.db_table} WHERE id IN ({marks})"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, list(document_ids))
        rows = cursor.fetchall()
    return {
        document_id: (title, chars)
        for document_id, title, chars, status, visibility, uploader_id in rows
        if DocumentQuerySet.lists_for(user, status, visibility, uploader_id)
    }
