"""Inserting many rows whose primary keys are not needed back: one parametrised INSERT per table, run with
executemany, without the ORM's per-value SQL compilation (several times faster for imports of many rows).

Values go through each field's own `get_db_prep_save` wherever a field converts anything (dates, JSON,
decimals, sealed personal data, auto_now), so the stored rows are what `bulk_create` would store.
"""

import datetime as dt
import queue
import sqlite3
import threading
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from typing import Any

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, connections, router
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.models import (
    AutoField,
    BigAutoField,
    BigIntegerField,
    BooleanField,
    CharField,
    DateField,
    DateTimeField,
    Field,
    ForeignKey,
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


def _converter(field: Field, connection: BaseDatabaseWrapper, now: dt.datetime) -> Callable[[Any], Any]:
    """How one field's value goes into the INSERT: as it is, or as the backend adapts it (the same calls
    `get_db_prep_save` ends in, made directly). auto_now fields take `now`, one moment for the whole insert."""
    attname, ops = field.attname, connection.ops
    if isinstance(field, ForeignKey):  # the only concrete relation
        def related(obj: Any) -> Any:
            value = getattr(obj, attname)
            if value is None and field.is_cached(obj):
                target = field.get_cached_value(obj)
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
    if type(field) is JSONField:
        encoder = field.encoder
        return lambda obj: None if getattr(obj, attname) is None else ops.adapt_json_value(getattr(obj, attname),
                                                                                           encoder)
    return lambda obj: field.get_db_prep_save(getattr(obj, attname), connection)


def insert_values(model: type[Model], columns: Sequence[str], rows: Sequence[Sequence[Any]]) -> None:
    """INSERT plain rows: tuples of Python values in the order of `columns` (the fields' attnames), the way
    the bulk paths of imports write rows without making model instances (keys, where needed, from
    `allocate_ids`). Values are adapted for the backend where a field converts anything (dates on SQLite,
    sealed personal data, decimals); JSON columns take the JSON text. PostgreSQL gets the rows by COPY (a
    multi-row INSERT of thousands of parameters costs psycopg more to parse, in Python, than the server to
    run), SQLite by multi-row INSERTs, several times faster than executemany for wide rows with many indexes,
    sent to sqlite3 with its own `?` placeholders (Django's translation of `%s` is a regular expression over
    the whole statement). Either way they are ordinary inserts: constraints and triggers apply."""
    if not rows:
        return
    connection = connections[router.db_for_write(model)]
    fields = [_column_field(model, name) for name in columns]
    adapters = [(index, adapter) for index, field in enumerate(fields)
                if (adapter := _value_adapter(field, connection)) is not None]
    if adapters:
        rows = [_adapted(row, adapters) for row in rows]
    quote = connection.ops.quote_name
    table = quote(model._meta.db_table)
    names = ", ".join(quote(f.column) for f in fields)
    with connection.cursor() as cursor, connection.wrap_database_errors:
        if connection.vendor == "postgresql":
            with cursor.copy(f"COPY {table} ({names}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
            return
        one = "(" + ", ".join(["?"] * len(fields)) + ")"
        step = max(1, min(500, 30000 // len(fields)))  # SQLite allows 32,766 parameters a statement
        sql = ""
        raw = cursor.cursor
        for start in range(0, len(rows), step):
            chunk = rows[start:start + step]
            if len(chunk) != step or not sql:
                sql = f"INSERT INTO {table} ({names}) VALUES {', '.join([one] * len(chunk))}"  # noqa: S608
            sqlite3.Cursor.execute(raw, sql, [value for row in chunk for value in row])


def _column_field(model: type[Model], name: str) -> Field:
    field = model._meta.get_field(name)
    if not isinstance(field, Field):
        raise TypeError(f"{model.__name__}.{name} is not a column")
    return field


def _adapted(row: Sequence[Any], adapters: list[tuple[int, Callable[[Any], Any]]]) -> list[Any]:
    values = list(row)
    for index, adapt in adapters:
        if values[index] is not None:
            values[index] = adapt(values[index])
    return values


def _value_adapter(field: Field, connection: BaseDatabaseWrapper) -> Callable[[Any], Any] | None:
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


def allocate_ids(model: type[Model], count: int) -> list[int]:
    """Primary keys for `count` new rows of the model, to INSERT with the rows themselves: on PostgreSQL drawn
    from the table's sequence (as an INSERT would draw them); on SQLite the next ones after the largest ever
    used (`AUTOINCREMENT` never reuses a key; an explicit key moves its counter on). On SQLite the caller
    must hold the write lock (Django opens its transactions `IMMEDIATE`) and insert these rows before asking
    again, as nobody else can insert meanwhile."""
    if count <= 0:
        return []
    connection = connections[router.db_for_write(model)]
    table, pk = model._meta.db_table, model._meta.pk.column
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)",
                           [table, pk, count])
            return [found[0] for found in cursor.fetchall()]
        quote = connection.ops.quote_name
        cursor.execute(f"SELECT max({quote(pk)}) FROM {quote(table)}")  # noqa: S608 - our own table's name
        largest = cursor.fetchone()[0] or 0
        cursor.execute("SELECT seq FROM sqlite_sequence WHERE name = %s", [table])
        found = cursor.fetchone()
        start = max(largest, found[0] if found else 0) + 1
        return list(range(start, start + count))


class BackgroundWriter:
    """Runs calls (typically `insert_values`) in order in a second thread, on the caller's own connection and
    inside its transaction, while the caller goes on preparing the next rows: the database does its part
    (SQLite in this process, with the GIL released; PostgreSQL in its server) at the same time as Python
    does its own. The caller must not use the connection until `sync()` has returned: call it before any
    query of its own. An error in a call is raised by the next `sync()` (or `close()`), and every call after
    it is skipped, so the caller's transaction can be rolled back as a whole.

        with BackgroundWriter() as writer:
            writer.submit(insert_values, Model, columns, rows)
            ...
            writer.sync()  # before reading or writing anything else
    """

    def __init__(self, using: str = DEFAULT_DB_ALIAS) -> None:
        self.connection = connections[using]
        self.using = using
        self.calls: queue.Queue[tuple[Callable[..., Any], tuple[Any, ...]] | None] = queue.Queue()
        self.error: BaseException | None = None
        self.thread: threading.Thread | None = None

    def __enter__(self) -> "BackgroundWriter":
        self.connection.inc_thread_sharing()
        self.thread = threading.Thread(target=self._run, name="qingji-bulk-writer", daemon=True)
        self.connection.execute_wrappers.append(self._guard)
        self.thread.start()
        return self

    def __exit__(self, kind: type[BaseException] | None, *rest: object) -> None:
        self.close(raising=kind is None)

    def _guard(self, execute: Callable[..., Any], sql: str, params: Any, many: bool, context: dict[str, Any]) -> Any:
        """Any other thread's query while calls are pending is a mistake of the caller's (a missing
        `sync()`): refused at once rather than interleaved with the writer's statements."""
        if threading.current_thread() is not self.thread and self.calls.unfinished_tasks:
            raise RuntimeError("The connection is the background writer's until sync() returns.")
        return execute(sql, params, many, context)

    def submit(self, call: Callable[..., Any], *args: Any) -> None:
        if self.thread is None:
            call(*args)  # not started: run at once, in this thread
            return
        self.calls.put((call, args))

    def sync(self) -> None:
        """Wait until every call so far has run; raise the first error of any of them."""
        if self.thread is not None:
            self.calls.join()
        if self.error is not None:
            error, self.error = self.error, None
            raise error

    def close(self, *, raising: bool = True) -> None:
        if self.thread is None:
            return
        self.calls.put(None)
        self.thread.join()
        self.thread = None
        self.connection.execute_wrappers.remove(self._guard)
        self.connection.dec_thread_sharing()
        if raising:
            self.sync()

    def _run(self) -> None:
        connections[self.using] = self.connection  # this thread's queries go to the caller's connection
        while (item := self.calls.get()) is not None:
            call, args = item
            try:
                if self.error is None:
                    call(*args)
            except BaseException as exc:  # noqa: BLE001 - handed to the caller's thread by sync()
                self.error = exc
            finally:
                self.calls.task_done()
        self.calls.task_done()


ANALYSE_ROWS = 1000  # rows written or removed from which a bulk writer calls `analyse` after its commit


def analyse(models: Sequence[type[Model]], using: str = DEFAULT_DB_ALIAS) -> None:
    """Fresh planner statistics for tables that have just taken many rows, on PostgreSQL (`ANALYZE`, which
    samples: a fraction of a second a table at any size). Autovacuum would run it a minute or more
    later; until then the planner takes a table of 100,000 petitioners for one of a few thousand and
    joins them by scanning it whole: the services' reads after an import of 100,000 rows took ≈10–30 ms
    each instead of a fraction of one. Nothing on SQLite, which reads its statistics only where
    `ANALYZE` was run by hand and keeps them until it is run again."""
    connection = connections[using]
    if connection.vendor != "postgresql" or not models:
        return
    tables = ", ".join(connection.ops.quote_name(model._meta.db_table) for model in dict.fromkeys(models))
    with connection.cursor() as cursor:
        cursor.execute(f"ANALYZE {tables}")


@contextmanager
def large_page_cache(using: str = DEFAULT_DB_ALIAS) -> Iterator[None]:
    """On SQLite, a page cache of `settings.QINGJI_BULK_CACHE_MB` (default 256 MB) for the connection while many rows
    go in: with SQLite's default of 2 MB, every index of a large table is read and written back page by page
    as new keys land all over it (an import of 100,000 rows at 1,000,000 cases: 46 s against 35 s). The
    cache is a bound, not a copy of the data: memory does not grow with the rows. Nothing on PostgreSQL,
    whose buffers are the server's."""
    connection = connections[using]
    if connection.vendor != "sqlite":
        yield
        return
    size = settings.QINGJI_BULK_CACHE_MB
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA cache_size")
        before = cursor.fetchone()[0]
        cursor.execute(f"PRAGMA cache_size = {-1024 * size:d}")
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            cursor.execute(f"PRAGMA cache_size = {int(before):d}")
