"""Inserting many rows whose primary keys are not needed back: one parametrised INSERT per table, run with
executemany, without the ORM's per-value SQL compilation (several times faster for imports of many rows).

Values go through each field's own `get_db_prep_save` wherever a field converts anything (dates, JSON,
decimals, sealed personal data, auto_now), so the stored rows are what `bulk_create` would store.
"""

from collections.abc import Callable, Sequence
from typing import Any

from django.db import connections, router
from django.db.models import (
    AutoField,
    BigAutoField,
    BigIntegerField,
    BooleanField,
    CharField,
    Field,
    IntegerField,
    Model,
    PositiveIntegerField,
    PositiveSmallIntegerField,
    TextField,
)

PLAIN = (CharField, TextField, IntegerField, BigIntegerField, PositiveIntegerField, PositiveSmallIntegerField,
         BooleanField)


def insert_rows(model: type[Model], objects: Sequence[Model], *, batch_size: int = 2000) -> None:
    """INSERT the objects (their primary keys stay unset). Foreign keys may point at objects saved after
    these were made, as with `bulk_create`."""
    if not objects:
        return
    connection = connections[router.db_for_write(model)]
    fields = [f for f in model._meta.concrete_fields if not isinstance(f, AutoField | BigAutoField)]
    converters = [_converter(f, connection) for f in fields]
    quote = connection.ops.quote_name
    columns = ", ".join(quote(f.column) for f in fields)
    placeholders = ", ".join(["%s"] * len(fields))
    sql = f"INSERT INTO {quote(model._meta.db_table)} ({columns}) VALUES ({placeholders})"  # noqa: S608
    with connection.cursor() as cursor:
        for start in range(0, len(objects), batch_size):
            cursor.executemany(sql, [[convert(o) for convert in converters]
                                     for o in objects[start:start + batch_size]])


def _converter(field: Field, connection) -> Callable[[Model], Any]:  # type: ignore[no-untyped-def]
    attname = field.attname
    if field.is_relation:
        def related(obj: Model) -> Any:
            value = getattr(obj, attname)
            if value is None and field.is_cached(obj):  # type: ignore[attr-defined]
                target = field.get_cached_value(obj)  # type: ignore[attr-defined]
                value = target.pk if target is not None else None
            return value
        return related
    if type(field) in PLAIN and not getattr(field, "auto_now", False):
        return lambda obj: getattr(obj, attname)
    return lambda obj: field.get_db_prep_save(field.pre_save(obj, True), connection)
