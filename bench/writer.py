"""Fast bulk inserts of plain tuples: executemany on SQLite, COPY on PostgreSQL.

Rows carry explicit primary keys, so that foreign keys are known without a round trip; the
sequences are set past them at the end (`reset_sequences`)."""

import datetime as dt
from collections.abc import Iterable, Sequence
from decimal import Decimal

from django.core.management.color import no_style
from django.db import connection, models


def next_id(model: type[models.Model]) -> int:
    return (model.objects.aggregate(m=models.Max("pk"))["m"] or 0) + 1


def columns_of(model: type[models.Model], fields: Sequence[str]) -> list[str]:
    return [model._meta.get_field(f).column for f in fields]


def _sqlite_value(value):  # type: ignore[no-untyped-def]
    if isinstance(value, dt.datetime):
        return connection.ops.adapt_datetimefield_value(value)
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    return value


def insert(model: type[models.Model], fields: Sequence[str], rows: Iterable[Sequence[object]]) -> int:
    """Insert `rows` (tuples in the order of `fields`) into `model`'s table; returns the count."""
    table = model._meta.db_table
    cols = columns_of(model, fields)
    count = 0
    if connection.vendor == "postgresql":
        connection.ensure_connection()
        with connection.connection.cursor() as cursor:
            quoted = ", ".join(connection.ops.quote_name(c) for c in cols)
            with cursor.copy(f"COPY {connection.ops.quote_name(table)} ({quoted}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
                    count += 1
        return count
    sql = (f"INSERT INTO {connection.ops.quote_name(table)} ({', '.join(connection.ops.quote_name(c) for c in cols)}) "
           f"VALUES ({', '.join('?' for _ in cols)})")
    batch: list[tuple[object, ...]] = []
    with connection.cursor() as cursor:
        raw = cursor.cursor if hasattr(cursor, "cursor") else cursor
        for row in rows:
            batch.append(tuple(_sqlite_value(v) for v in row))
            if len(batch) >= 10_000:
                raw.executemany(sql, batch)
                count += len(batch)
                batch = []
        if batch:
            raw.executemany(sql, batch)
            count += len(batch)
    return count


def reset_sequences(model_list: Sequence[type[models.Model]]) -> None:
    """PostgreSQL: move each table's id sequence past the explicit ids (SQLite needs nothing)."""
    statements = connection.ops.sequence_reset_sql(no_style(), list(model_list))
    with connection.cursor() as cursor:
        for statement in statements:
            cursor.execute(statement)


def analyse() -> None:
    """Fresh planner statistics, as a maintained production database has them."""
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
