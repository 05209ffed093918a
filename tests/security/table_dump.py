"""Every table's rows, in a form that compares across processes: used by the backup test on the test database
(in process) and, run as a script, on the restored database (DATABASE_URL in the environment)."""

import json


def _cell(value):  # type: ignore[no-untyped-def]
    if isinstance(value, bytes | memoryview):
        return bytes(value).hex()
    return value if value is None or isinstance(value, int | str) else str(value)


def dump_tables(connection) -> dict[str, list[str]]:  # type: ignore[no-untyped-def]
    """Table name → its rows as sorted JSON strings."""
    tables = {}
    with connection.cursor() as cursor:
        for table in sorted(connection.introspection.table_names(cursor)):
            cursor.execute(f"SELECT * FROM {connection.ops.quote_name(table)}")  # noqa: S608 - introspected names
            tables[table] = sorted(json.dumps([_cell(v) for v in row], ensure_ascii=False) for row in cursor)
    return tables


if __name__ == "__main__":
    import os

    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "qingji.settings")
    django.setup()
    from django.db import connection

    print(json.dumps(dump_tables(connection), ensure_ascii=False))
