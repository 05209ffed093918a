"""The summary's added figures in its checkpoints: cases by category, cases carrying each flag, work-log
entries by kind (spec/summary-report.md, "Added figures"; reports/checkpoints.py).

The checkpoints made before hold none of them, so they are deleted with their states: the summary counts
in full until the next `qingji report checkpoints` (the daily refresh) builds them again. The triggers of
0001 are extended: a case's category and flags now count from its registration, like its unit and source,
and the work log counts from each entry's date, like judicial aid."""

from collections.abc import Callable
from typing import Any

from django.db import migrations, models

_CASE_COLUMNS = ("handling_org_id", "source", "key_supervision", "registered_on")
_COUNTED_COLUMNS = ("category_id", "beijing_petition", "provincial_petition", "repeat_petition",
                    "cross_jurisdiction", "discipline_related", "group_petition")


def _case_x_sqlite(columns: tuple[str, ...]) -> str:
    changed = " OR ".join(f"OLD.{c} IS NOT NEW.{c}" for c in columns)
    return f"""min(
    coalesce(CASE WHEN {changed} THEN min(OLD.registered_on, NEW.registered_on) END, '9999-12-31'),
    coalesce(CASE WHEN OLD.deadline IS NOT NEW.deadline
                  THEN min(coalesce(OLD.deadline, '9999-12-31'), coalesce(NEW.deadline, '9999-12-31')) END,
             '9999-12-31'))"""


def _mark_sqlite(x: str) -> str:
    return (f"UPDATE reports_checkpointstate SET dirty_from = {x} WHERE {x} IS NOT NULL "
            f"AND built_through >= {x} AND (dirty_from IS NULL OR dirty_from > {x});")


def _case_trigger_sqlite(columns: tuple[str, ...]) -> list[str]:
    return ["DROP TRIGGER IF EXISTS qingji_cp_case_upd",
            f"""CREATE TRIGGER qingji_cp_case_upd AFTER UPDATE OF {", ".join((*columns, "deadline"))} ON ledger_case
            BEGIN {_mark_sqlite(_case_x_sqlite(columns))} END"""]


SQLITE = [
    *_case_trigger_sqlite((*_CASE_COLUMNS, *_COUNTED_COLUMNS)),
    f"""CREATE TRIGGER qingji_cp_work_ins AFTER INSERT ON ledger_worklogentry BEGIN {_mark_sqlite("NEW.date")} END""",
    f"""CREATE TRIGGER qingji_cp_work_del AFTER DELETE ON ledger_worklogentry BEGIN {_mark_sqlite("OLD.date")} END""",
    f"""CREATE TRIGGER qingji_cp_work_upd AFTER UPDATE OF case_id, kind, date ON ledger_worklogentry
        BEGIN {_mark_sqlite("min(OLD.date, NEW.date)")} END""",
]
SQLITE_BACK = [
    *_case_trigger_sqlite(_CASE_COLUMNS),
    *[f"DROP TRIGGER IF EXISTS {name}" for name in ("qingji_cp_work_ins", "qingji_cp_work_del", "qingji_cp_work_upd")],
]


def _case_function_pg(columns: tuple[str, ...]) -> str:
    changed = " OR ".join(f"o.{c} IS DISTINCT FROM n.{c}" for c in columns)
    return f"""CREATE OR REPLACE FUNCTION qingji_cp_case_upd() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        PERFORM qingji_cp_mark((
            SELECT min(least(
                CASE WHEN {changed} THEN least(o.registered_on, n.registered_on) END,
                CASE WHEN o.deadline IS DISTINCT FROM n.deadline THEN least(o.deadline, n.deadline) END))
              FROM old_rows o JOIN new_rows n ON n.id = o.id));
        RETURN NULL;
    END $$"""


# (function and trigger name, event, transition tables, the SELECT of the earliest day it changes)
_PG_WORK = [
    ("qingji_cp_work_ins", "INSERT", "NEW TABLE AS new_rows", "SELECT min(date) FROM new_rows"),
    ("qingji_cp_work_del", "DELETE", "OLD TABLE AS old_rows", "SELECT min(date) FROM old_rows"),
    ("qingji_cp_work_upd", "UPDATE", "OLD TABLE AS old_rows NEW TABLE AS new_rows",
     """SELECT min(least(o.date, n.date)) FROM old_rows o JOIN new_rows n ON n.id = o.id
         WHERE (o.case_id, o.kind, o.date) IS DISTINCT FROM (n.case_id, n.kind, n.date)"""),
]
POSTGRES = [_case_function_pg((*_CASE_COLUMNS, *_COUNTED_COLUMNS))]
for _name, _event, _refs, _select in _PG_WORK:
    POSTGRES += [
        f"""CREATE FUNCTION {_name}() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN PERFORM qingji_cp_mark(({_select})); RETURN NULL; END $$""",
        f"""CREATE TRIGGER {_name} AFTER {_event} ON ledger_worklogentry REFERENCING {_refs} FOR EACH STATEMENT
        EXECUTE FUNCTION {_name}()""",
    ]
POSTGRES_BACK = [
    _case_function_pg(_CASE_COLUMNS),
    *[f"DROP TRIGGER IF EXISTS {name} ON ledger_worklogentry" for name, *_rest in _PG_WORK],
    *[f"DROP FUNCTION IF EXISTS {name}()" for name, *_rest in _PG_WORK],
]


def _run(statements: dict[str, list[str]]) -> Callable[[Any, Any], None]:
    def run(apps: Any, schema_editor: Any) -> None:
        for sql in statements.get(schema_editor.connection.vendor, []):
            schema_editor.execute(sql)
    return run


def forget_checkpoints(apps: Any, schema_editor: Any) -> None:
    apps.get_model("reports", "SummaryCheckpoint").objects.all().delete()
    apps.get_model("reports", "CheckpointState").objects.all().delete()


class Migration(migrations.Migration):

    dependencies = [
        ('reports', '0001_checkpoints'),
        ('ledger', '0008_report_indexes_added_figures'),
    ]

    operations = [
        migrations.RunPython(forget_checkpoints, migrations.RunPython.noop),
        migrations.AddField(
            model_name='summarycheckpoint',
            name='categories',
            field=models.JSONField(default=list),
        ),
        migrations.AddField(
            model_name='summarycheckpoint',
            name='flags',
            field=models.JSONField(default=list),
        ),
        migrations.AddField(
            model_name='summarycheckpoint',
            name='work',
            field=models.JSONField(default=list),
        ),
        migrations.RunPython(_run({"sqlite": SQLITE, "postgresql": POSTGRES}),
                             _run({"sqlite": SQLITE_BACK, "postgresql": POSTGRES_BACK})),
    ]
