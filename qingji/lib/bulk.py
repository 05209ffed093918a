"""Inserting many rows whose primary keys are not needed back: one parametrised INSERT per table, run with
executemany, without the ORM's per-value SQL compilation (several times faster for imports of many rows).

Values go through each field's own `get_db_prep_save` wherever a field converts anything (dates, JSON,
decimals, sealed personal data, auto_now), so the stored rows are what `bulk_create` would store.
"""

import datetime as dt
from collections.abc import Callable, Sequence
from typing import Any

from django.db import connections, router
from django.db.models import (
    AutoField,
    BigAutoField,
    BigIntegerField,
    BooleanField,
    CharField,
    DateField,
    DateTimeField,
    Field,
    IntegerField,
    JSONField,
    Model,
    PositiveIntegerField,
    PositiveSmallIntegerField,
    TextField,
)
from django.utils import timezone

PLAIN = (CharField, TextField, IntegerField, BigIntegerField, PositiveIntegerField, PositiveSmallIntegerField,
         BooleanField)


def insert_rows(model: type[Model], objects: Sequence[Any], *, batch_size: int = 2000) -> None:
    """INSERT the objects (their primary keys stay unset): model instances, or any objects with the fields'
    attributes (e.g. a namespace of foreign key ids). Foreign keys may point at objects saved after these
    were made, as with `bulk_create`."""
    if not objects:
        return
    connection = connections[router.db_for_write(model)]
    fields = [f for f in model._meta.concrete_fields if not isinstance(f, AutoField | BigAutoField)]
    now = timezone.now()
    converters = [_converter(f, connection, now) for f in fields]
    quote = connection.ops.quote_name
    columns = ", ".join(quote(f.column) for f in fields)
    placeholders = ", ".join(["%s"] * len(fields))
    sql = f"INSERT INTO {quote(model._meta.db_table)} ({columns}) VALUES ({placeholders})"  # noqa: S608
    with connection.cursor() as cursor:
        for start in range(0, len(objects), batch_size):
            cursor.executemany(sql, [[convert(o) for convert in converters]
                                     for o in objects[start:start + batch_size]])


def _converter(field: Field, connection, now: dt.datetime) -> Callable[[Any], Any]:  # type: ignore[no-untyped-def]
    """How one field's value goes into the INSERT: as it is, or as the backend adapts it (the same calls
    `get_db_prep_save` ends in, made directly). auto_now fields take `now`, one moment for the whole insert."""
    attname, ops = field.attname, connection.ops
    if field.is_relation:
        def related(obj: Any) -> Any:
            value = getattr(obj, attname)
            if value is None and field.is_cached(obj):  # type: ignore[attr-defined]
                target = field.get_cached_value(obj)  # type: ignore[attr-defined]
                value = target.pk if target is not None else None
            return value
        return related
    if getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False):
        stamp = field.get_db_prep_save(now if isinstance(field, DateTimeField) else now.date(), connection)
        return lambda obj: stamp
    kind = type(field)
    if kind in PLAIN:
        return lambda obj: getattr(obj, attname)
    if kind is DateField:
        return lambda obj: ops.adapt_datefield_value(getattr(obj, attname))
    if kind is DateTimeField:
        return lambda obj: ops.adapt_datetimefield_value(getattr(obj, attname))
    if kind is JSONField:
        encoder = field.encoder  # type: ignore[attr-defined]
        return lambda obj: None if getattr(obj, attname) is None else ops.adapt_json_value(getattr(obj, attname),
                                                                                           encoder)
    return lambda obj: field.get_db_prep_save(getattr(obj, attname), connection)


def insert_values(model: type[Model], columns: Sequence[str], rows: Sequence[Sequence[Any]], *,
                  returning: bool = False) -> list[int]:
    """INSERT plain rows: tuples of Python values in the order of `columns` (the fields' attnames), the way
    the bulk paths of imports write leaf rows without making model instances. Values are adapted for the
    backend where a field converts anything (dates on SQLite, sealed personal data, decimals); JSON columns
    take the JSON text. PostgreSQL gets the rows by COPY, SQLite by multi-row INSERTs. With `returning`, the
    new primary keys come back in the rows' order: on PostgreSQL drawn from the table's sequence first (as
    an INSERT would draw them), on SQLite by … RETURNING (whose order `bulk_create` relies on too). Either
    way they are ordinary inserts: constraints and triggers apply."""
    if not rows:
        return []
    connection = connections[router.db_for_write(model)]
    fields = [model._meta.get_field(name) for name in columns]
    adapters = [(index, adapter) for index, field in enumerate(fields)
                if (adapter := _value_adapter(field, connection)) is not None]
    if adapters:
        rows = [_adapted(row, adapters) for row in rows]
    quote = connection.ops.quote_name
    table = quote(model._meta.db_table)
    names = ", ".join(quote(f.column) for f in fields)
    one = "(" + ", ".join(["%s"] * len(fields)) + ")"
    with connection.cursor() as cursor:
        if returning and connection.vendor == "postgresql":
            # Keys from the table's own sequence, one query for all; then the rows with their keys by COPY (a
            # multi-row INSERT of thousands of parameters costs psycopg more to parse than the server to run).
            pk = model._meta.pk
            cursor.execute("SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)",
                           [model._meta.db_table, pk.column, len(rows)])
            ids = [found[0] for found in cursor.fetchall()]
            with cursor.copy(f"COPY {table} ({quote(pk.column)}, {names}) FROM STDIN") as copy:
                for key, row in zip(ids, rows, strict=True):
                    copy.write_row((key, *row))
            return ids
        if connection.vendor == "postgresql":
            with cursor.copy(f"COPY {table} ({names}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
            return []
        # SQLite: multi-row INSERTs, several times faster than executemany for wide rows with many indexes
        ids = []
        tail = f" RETURNING {quote(model._meta.pk.column)}" if returning else ""
        step = max(1, min(500, 30000 // len(fields)))  # SQLite allows 32,766 parameters a statement
        for start in range(0, len(rows), step):
            chunk = rows[start:start + step]
            cursor.execute(f"INSERT INTO {table} ({names}) VALUES {', '.join([one] * len(chunk))}{tail}",  # noqa: S608
                           [value for row in chunk for value in row])
            if returning:
                ids += [found[0] for found in cursor.fetchall()]
    return ids


def _adapted(row: Sequence[Any], adapters: list[tuple[int, Callable[[Any], Any]]]) -> list[Any]:
    values = list(row)
    for index, adapt in adapters:
        if values[index] is not None:
            values[index] = adapt(values[index])
    return values


def _value_adapter(field: Field, connection) -> Callable[[Any], Any] | None:  # type: ignore[no-untyped-def]
    """How a plain value of the field goes into an INSERT, or None when it goes as it is."""
    kind = type(field)
    if field.is_relation or kind in PLAIN or kind in (AutoField, BigAutoField):
        return None
    if kind is JSONField:
        return None  # JSON text, encoded by the caller
    if kind is DateField:
        return None  # psycopg adapts dates itself; Django registers sqlite3's adapter (ISO text)
    if connection.vendor == "postgresql" and kind is DateTimeField:
        return None  # psycopg adapts aware datetimes itself
    if kind is DateTimeField:
        return _last(connection.ops.adapt_datetimefield_value)
    return lambda value: field.get_db_prep_save(value, connection)


def _last(adapt: Callable[[Any], Any]) -> Callable[[Any], Any]:
    """`adapt`, remembering its last value: rows of a batch share their timestamp and many dates."""
    memo: list[Any] = [object(), None]

    def adapted(value: Any) -> Any:
        if value is not memo[0]:
            memo[0], memo[1] = value, adapt(value)
        return memo[1]
    return adapted
