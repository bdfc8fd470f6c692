"""Plain multi-row INSERTs for the import's hot path.

Django's bulk_create compiles every row through the ORM (about 0.2 ms a row here: 1.8 s for the pages of the
development corpus); this prepares the values with their fields and hands all rows to the driver's executemany
(sqlite3's, or psycopg's pipelined one). For rows whose primary keys are not needed back.

Integers, text and booleans go to the driver as they are (what their fields' preparation would return for
values of the right type); other values (a timestamp, once for every row that has it) go through their field.
Fields a caller does not name get their default, taken once for all the rows (``created`` = one timestamp).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence

from django.db import connection, models


def insert_rows(
    model: type[models.Model], field_names: Sequence[str], rows: Iterable[Sequence], skip_conflicts: bool = False
) -> None:
    """INSERT ``rows`` (values in the order of ``field_names``, the other fields their defaults) into ``model``'s
    table; with ``skip_conflicts`` a row that breaks a unique constraint is left out (ON CONFLICT DO NOTHING,
    which SQLite and PostgreSQL both understand)."""
    named = [model._meta.get_field(name) for name in field_names]
    others = [f for f in model._meta.concrete_fields if not f.primary_key and f not in named]
    defaults = tuple(field.get_default() for field in others)
    fields = [*named, *others]
    quote = connection.ops.quote_name
    sql = "INSERT INTO {} ({}) VALUES ({}){}".format(
        quote(model._meta.db_table),
        ", ".join(quote(field.column) for field in fields),
        ", ".join(["%s"] * len(fields)),
        " ON CONFLICT DO NOTHING" if skip_conflicts else "",
    )
    preparers = [_preparer(field) for field in fields]
    prepared = [
        tuple(prepare(value) for prepare, value in zip(preparers, (*row, *defaults), strict=True)) for row in rows
    ]
    if prepared:
        with connection.cursor() as cursor:
            cursor.executemany(sql, prepared)


_AS_THEY_ARE = (models.IntegerField, models.TextField, models.CharField, models.BooleanField, models.ForeignKey)


def _preparer(field: models.Field) -> Callable:
    if isinstance(field, _AS_THEY_ARE):
        return lambda value: value
    prepared: dict = {}

    def prepare(value):
        if value not in prepared:
            prepared[value] = field.get_db_prep_save(value, connection)
        return prepared[value]

    return prepare
