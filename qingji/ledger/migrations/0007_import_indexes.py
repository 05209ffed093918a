"""Indexes that only cost writes (docs/exchange.md, "Measured"): the foreign keys' own indexes
where a named composite index starts with the same column (a case's unit and category, a status period's
case), and the LIKE twins PostgreSQL adds to indexed text fields, for two digests never searched by
pattern (the ID-number digest keeps a plain index; the phone digest is only looked up with the name,
whose index serves). Every new petitioner or case went to a random page of each of them.

The database side drops the indexes by name, as found by introspection, instead of Django's AlterField:
on SQLite that would rebuild the tables, and a rebuilt table loses its triggers (the summary checkpoints'
and the search index's)."""

import django.db.models.deletion
from django.db import migrations, models

# (table, column): the indexes Django made for `db_index` on these columns, whatever their hashed names
DROPPED = [("ledger_case", "category_id"), ("ledger_case", "handling_org_id"),
           ("ledger_petitioner", "id_number_digest"), ("ledger_petitioner", "phone_digest"),
           ("ledger_statusperiod", "case_id")]


def drop_field_indexes(apps, schema_editor) -> None:
    connection = schema_editor.connection
    with connection.cursor() as cursor:
        for table, column in DROPPED:
            for name, info in connection.introspection.get_constraints(cursor, table).items():
                if info["index"] and not info["unique"] and not info["primary_key"] and \
                        info["columns"] == [column] and name.startswith(f"{table}_{column}"):
                    schema_editor.execute(f"DROP INDEX {schema_editor.quote_name(name)}")


def restore_field_indexes(apps, schema_editor) -> None:
    quote = schema_editor.quote_name
    for table, column in DROPPED:
        name = schema_editor._create_index_name(table, [column])
        schema_editor.execute(f"CREATE INDEX {quote(name)} ON {quote(table)} ({quote(column)})")
        if schema_editor.connection.vendor == "postgresql" and column.endswith("_digest"):
            like = schema_editor._create_index_name(table, [column], suffix="_like")
            schema_editor.execute(f"CREATE INDEX {quote(like)} ON {quote(table)} ({quote(column)} varchar_pattern_ops)")


class Migration(migrations.Migration):

    dependencies = [
        ("ledger", "0006_report_indexes"),
        ("organisations", "0002_official_full_name"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name="case",
                    name="category",
                    field=models.ForeignKey(blank=True, db_index=False, null=True,
                                            on_delete=django.db.models.deletion.PROTECT, related_name="cases",
                                            to="ledger.category", verbose_name="category"),
                ),
                migrations.AlterField(
                    model_name="case",
                    name="handling_org",
                    field=models.ForeignKey(db_index=False, on_delete=django.db.models.deletion.PROTECT,
                                            related_name="cases", to="organisations.org",
                                            verbose_name="handling unit"),
                ),
                migrations.AlterField(
                    model_name="petitioner",
                    name="id_number_digest",
                    field=models.CharField(blank=True, editable=False, max_length=64),
                ),
                migrations.AlterField(
                    model_name="petitioner",
                    name="phone_digest",
                    field=models.CharField(blank=True, editable=False, max_length=64),
                ),
                migrations.AlterField(
                    model_name="statusperiod",
                    name="case",
                    field=models.ForeignKey(db_index=False, on_delete=django.db.models.deletion.CASCADE,
                                            related_name="status_periods", to="ledger.case"),
                ),
            ],
            database_operations=[migrations.RunPython(drop_field_indexes, restore_field_indexes)],
        ),
        migrations.AddIndex(
            model_name="petitioner",
            index=models.Index(fields=["id_number_digest"], name="petitioner_id_digest_idx"),
        ),
    ]
