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
