"""Writing many rows at once on PostgreSQL: one ``COPY`` (CSV), whichever psycopg is in use."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence
from typing import Any

from django.db import connections, models


def copy_rows(
    model: type[models.Model],
    columns: Sequence[str],
    rows: Iterable[Sequence[Any]],
    *,
    using: str = "default",
) -> None:
    """Write ``rows`` (values in the order of ``columns``, the database's column names) to
    ``model``'s table with one ``COPY``. None is NULL; everything else is written as text
    (quoted), so the values must be what the database takes (no field conversion)."""
    connection = connections[using]
    buffer = io.StringIO()
    csv.writer(buffer, quoting=csv.QUOTE_NOTNULL).writerows(rows)
    buffer.seek(0)
    quote = connection.ops.quote_name
    names = ", ".join(quote(column) for column in columns)
    sql = f"COPY {quote(model._meta.db_table)} ({names}) FROM STDIN WITH (FORMAT csv)"
    with connection.cursor() as cursor:
        raw = cursor.cursor
        if hasattr(raw, "copy_expert"):  # psycopg2
            raw.copy_expert(sql, buffer)
        else:  # psycopg 3
            with raw.copy(sql) as copy:
                copy.write(buffer.getvalue())
