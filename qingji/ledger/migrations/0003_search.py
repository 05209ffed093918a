"""Text search over Case.search_text: an FTS5 trigram table on SQLite, a pg_trgm GIN index on PostgreSQL."""

from django.db import migrations

SQLITE_FORWARD = [
    "CREATE VIRTUAL TABLE ledger_case_fts USING fts5(search_text, content='ledger_case', content_rowid='id', "
    "tokenize='trigram')",
    "CREATE TRIGGER ledger_case_fts_ai AFTER INSERT ON ledger_case BEGIN "
    "INSERT INTO ledger_case_fts(rowid, search_text) VALUES (new.id, new.search_text); END",
    "CREATE TRIGGER ledger_case_fts_ad AFTER DELETE ON ledger_case BEGIN "
    "INSERT INTO ledger_case_fts(ledger_case_fts, rowid, search_text) VALUES ('delete', old.id, old.search_text); END",
    "CREATE TRIGGER ledger_case_fts_au AFTER UPDATE OF search_text ON ledger_case BEGIN "
    "INSERT INTO ledger_case_fts(ledger_case_fts, rowid, search_text) VALUES ('delete', old.id, old.search_text); "
    "INSERT INTO ledger_case_fts(rowid, search_text) VALUES (new.id, new.search_text); END",
    "INSERT INTO ledger_case_fts(ledger_case_fts) VALUES ('rebuild')",
]
SQLITE_BACKWARD = [
    "DROP TRIGGER IF EXISTS ledger_case_fts_ai", "DROP TRIGGER IF EXISTS ledger_case_fts_ad",
    "DROP TRIGGER IF EXISTS ledger_case_fts_au", "DROP TABLE IF EXISTS ledger_case_fts",
]
POSTGRES_FORWARD = [
    "CREATE EXTENSION IF NOT EXISTS pg_trgm",
    "CREATE INDEX IF NOT EXISTS ledger_case_search_trgm ON ledger_case USING gin (search_text gin_trgm_ops)",
]
POSTGRES_BACKWARD = ["DROP INDEX IF EXISTS ledger_case_search_trgm"]


def run(statements_by_vendor):
    def apply(apps, schema_editor):
        for statement in statements_by_vendor.get(schema_editor.connection.vendor, []):
            schema_editor.execute(statement)

    return apply


class Migration(migrations.Migration):
    dependencies = [("ledger", "0002_categories")]
    operations = [
        migrations.RunPython(
            run({"sqlite": SQLITE_FORWARD, "postgresql": POSTGRES_FORWARD}),
            run({"sqlite": SQLITE_BACKWARD, "postgresql": POSTGRES_BACKWARD}),
        ),
    ]
