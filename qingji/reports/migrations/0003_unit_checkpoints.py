"""Checkpoints per unit, and triggers that mark stale units instead of whole scopes (issue #24 item 0).

0001 and 0002 marked a whole scope stale from the earliest day a change reached back to, so one back-dated
edit made every summary recount months of history until the next refresh. Now a checkpoint is one unit's
figures (reports/models.py) and the triggers record, in reports_staleunit, the units a change touches and
from which day: the summary counts just those units in full until `checkpoints.maintain()` recomputes them.
The triggers see every write, whichever code makes it (a service, the bulk importer, the benchmark
generator's COPY): on PostgreSQL statement-level triggers with transition tables, one INSERT … ON CONFLICT per
statement; on SQLite row triggers. A change marks when the day it reaches back to, X, is on or before the
checkpoints' horizon (no checkpoint after it can be affected otherwise); X is computed as in 0001 and 0002.

The checkpoints of 0002 are one row per day; they are deleted with their states, and the next refresh (the
daily job, `qingji report checkpoints`) builds the new ones; until then the summary counts in full."""

import importlib
from typing import Any

from django.db import migrations, models

# -------------------------------------------------------------------------------------------- SQLite
_MARK_SQLITE = """INSERT INTO reports_staleunit (scope, unit, since, generation)
    SELECT s, u, x, 1 FROM (SELECT {scope} AS s, {unit} AS u, {x} AS x)
     WHERE u IS NOT NULL AND x IS NOT NULL AND x <= (SELECT max(horizon) FROM reports_checkpointstate)
    ON CONFLICT (scope, unit) DO UPDATE SET since = min(since, excluded.since), generation = generation + 1;"""
_UNIT_OF_CASE = "(SELECT handling_org_id FROM ledger_case WHERE id = {row}.case_id)"
_UNIT_OF_MATTER = ("(SELECT c.handling_org_id FROM ledger_underlyingmatter m JOIN ledger_case c ON c.id = m.case_id"
                   " WHERE m.id = {row}.matter_id)")
_UNIT_OF_REVIEW = ("(SELECT c.handling_org_id FROM reviews_qualityreview r JOIN ledger_underlyingmatter m"
                   " ON m.id = r.matter_id JOIN ledger_case c ON c.id = m.case_id WHERE r.id = {row}.review_id)")
_REVIEWED_ON = "(SELECT reviewed_on FROM reviews_qualityreview WHERE id = {row}.review_id)"
_MATTER_REVIEWED_ON = "(SELECT min(reviewed_on) FROM reviews_qualityreview WHERE matter_id = {row}.id)"
_REGISTERED_ON = "(SELECT registered_on FROM ledger_case WHERE id = {row}.case_id)"

_PERIOD_X_SQLITE = """CASE
    WHEN OLD.case_id IS NOT NEW.case_id OR OLD.status IS NOT NEW.status OR OLD.method IS NOT NEW.method
         OR OLD.valid_from IS NOT NEW.valid_from THEN min(OLD.valid_from, NEW.valid_from)
    WHEN OLD.valid_to IS NOT NEW.valid_to
         THEN min(coalesce(OLD.valid_to, '9999-12-31'), coalesce(NEW.valid_to, '9999-12-31'))
    END"""
_CASE_COLUMNS = ("handling_org_id", "source", "key_supervision", "registered_on", "category_id", "beijing_petition",
                 "provincial_petition", "repeat_petition", "cross_jurisdiction", "discipline_related",
                 "group_petition")
_CASE_X_SQLITE = f"""min(
    coalesce(CASE WHEN {" OR ".join(f"OLD.{c} IS NOT NEW.{c}" for c in _CASE_COLUMNS)}
                  THEN min(OLD.registered_on, NEW.registered_on) END, '9999-12-31'),
    coalesce(CASE WHEN OLD.deadline IS NOT NEW.deadline
                  THEN min(coalesce(OLD.deadline, '9999-12-31'), coalesce(NEW.deadline, '9999-12-31')) END,
             '9999-12-31'))"""


def _mark(unit: str, x: str, scope: str = "''") -> str:
    return _MARK_SQLITE.format(scope=scope, unit=unit, x=x)


def _both(unit: str, x: str, scope: str = "") -> str:
    """Marks for the OLD and the NEW row's unit (the same unit twice when it did not change)."""
    return " ".join(_mark(unit.format(row=row), x, scope.format(row=row) or "''") for row in ("OLD", "NEW"))


_CAMPAIGN = "'campaign:' || {row}.campaign_id"
# (trigger name, event, body)
_SQLITE_TRIGGERS = [
    ("period_ins", "INSERT ON ledger_statusperiod", _mark(_UNIT_OF_CASE.format(row="NEW"), "NEW.valid_from")),
    ("period_del", "DELETE ON ledger_statusperiod", _mark(_UNIT_OF_CASE.format(row="OLD"), "OLD.valid_from")),
    ("period_upd", "UPDATE OF case_id, status, method, valid_from, valid_to ON ledger_statusperiod",
     _both(_UNIT_OF_CASE, _PERIOD_X_SQLITE)),
    ("case_upd", f"UPDATE OF {', '.join((*_CASE_COLUMNS, 'deadline'))} ON ledger_case",
     _both("{row}.handling_org_id", _CASE_X_SQLITE)),
    ("case_del", "DELETE ON ledger_case", _mark("OLD.handling_org_id", "OLD.registered_on")),
    ("member_ins", "INSERT ON campaigns_campaigncase",
     _mark(_UNIT_OF_CASE.format(row="NEW"), _REGISTERED_ON.format(row="NEW"), _CAMPAIGN.format(row="NEW"))),
    ("member_del", "DELETE ON campaigns_campaigncase",
     _mark(_UNIT_OF_CASE.format(row="OLD"), _REGISTERED_ON.format(row="OLD"), _CAMPAIGN.format(row="OLD"))),
    ("member_upd", "UPDATE OF campaign_id, case_id ON campaigns_campaigncase",
     " ".join(_mark(_UNIT_OF_CASE.format(row=r), _REGISTERED_ON.format(row=r), _CAMPAIGN.format(row=r))
              for r in ("OLD", "NEW"))),
    ("aid_ins", "INSERT ON ledger_judicialaid", _mark(_UNIT_OF_CASE.format(row="NEW"), "NEW.date")),
    ("aid_del", "DELETE ON ledger_judicialaid", _mark(_UNIT_OF_CASE.format(row="OLD"), "OLD.date")),
    ("aid_upd", "UPDATE OF case_id, amount, date ON ledger_judicialaid",
     _both(_UNIT_OF_CASE, "min(OLD.date, NEW.date)")),
    ("work_ins", "INSERT ON ledger_worklogentry", _mark(_UNIT_OF_CASE.format(row="NEW"), "NEW.date")),
    ("work_del", "DELETE ON ledger_worklogentry", _mark(_UNIT_OF_CASE.format(row="OLD"), "OLD.date")),
    ("work_upd", "UPDATE OF case_id, kind, date ON ledger_worklogentry",
     _both(_UNIT_OF_CASE, "min(OLD.date, NEW.date)")),
    ("review_ins", "INSERT ON reviews_qualityreview", _mark(_UNIT_OF_MATTER.format(row="NEW"), "NEW.reviewed_on")),
    ("review_del", "DELETE ON reviews_qualityreview", _mark(_UNIT_OF_MATTER.format(row="OLD"), "OLD.reviewed_on")),
    ("review_upd", "UPDATE OF matter_id, grade, reviewed_on ON reviews_qualityreview",
     _both(_UNIT_OF_MATTER, "min(OLD.reviewed_on, NEW.reviewed_on)")),
    ("action_ins", "INSERT ON reviews_accountabilityaction",
     _mark(_UNIT_OF_REVIEW.format(row="NEW"), _REVIEWED_ON.format(row="NEW"))),
    ("action_del", "DELETE ON reviews_accountabilityaction",
     _mark(_UNIT_OF_REVIEW.format(row="OLD"), _REVIEWED_ON.format(row="OLD"))),
    ("action_upd", "UPDATE OF review_id ON reviews_accountabilityaction",
     " ".join(_mark(_UNIT_OF_REVIEW.format(row=r), _REVIEWED_ON.format(row=r)) for r in ("OLD", "NEW"))),
    ("matter_upd", "UPDATE OF case_id ON ledger_underlyingmatter",
     _both(_UNIT_OF_CASE, _MATTER_REVIEWED_ON.format(row="NEW"))),
    ("matter_del", "DELETE ON ledger_underlyingmatter",
     _mark(_UNIT_OF_CASE.format(row="OLD"), _MATTER_REVIEWED_ON.format(row="OLD"))),
]
SQLITE = [f"CREATE TRIGGER qingji_su_{name} AFTER {event} BEGIN {body} END" for name, event, body in _SQLITE_TRIGGERS]
SQLITE_DROP = [f"DROP TRIGGER IF EXISTS qingji_su_{name}" for name, *_rest in _SQLITE_TRIGGERS]

# ---------------------------------------------------------------------------------------- PostgreSQL
_MARK_PG = """INSERT INTO reports_staleunit (scope, unit, since, generation)
    SELECT s.scope, s.unit, min(s.x), 1 FROM ({pairs}) AS s (scope, unit, x)
     WHERE s.unit IS NOT NULL AND s.x IS NOT NULL AND s.x <= (SELECT max(horizon) FROM reports_checkpointstate)
     GROUP BY s.scope, s.unit ORDER BY s.scope, s.unit
    ON CONFLICT (scope, unit) DO UPDATE SET since = least(reports_staleunit.since, excluded.since),
                                            generation = reports_staleunit.generation + 1"""
_CASE_JOIN = "JOIN ledger_case c ON c.id = {t}.case_id"
_MATTER_JOIN = "JOIN ledger_underlyingmatter m ON m.id = {t}.matter_id JOIN ledger_case c ON c.id = m.case_id"
_REVIEW_JOIN = ("JOIN reviews_qualityreview r ON r.id = {t}.review_id JOIN ledger_underlyingmatter m ON m.id = r.matter_id"
                " JOIN ledger_case c ON c.id = m.case_id")


def _changed(select_x: str, where: str, old: str, new: str) -> str:
    """(unit, x) of the old and of the new row of every updated row, through the joins `old` and `new` that give
    `c`, the case, from `o` and `n`: each row's x computed once in `d`."""
    return f"""SELECT ''::text, c.handling_org_id, d.x
      FROM (SELECT o.*, {select_x} AS x FROM old_rows o JOIN new_rows n ON n.id = o.id {where}) d
      {old.format(t='d')}
    UNION ALL
    SELECT ''::text, c.handling_org_id, d.x
      FROM (SELECT n.*, {select_x} AS x FROM old_rows o JOIN new_rows n ON n.id = o.id {where}) d
      {new.format(t='d')}"""


_PERIOD_X_PG = """CASE
    WHEN o.case_id <> n.case_id OR o.status <> n.status OR o.method <> n.method
         OR o.valid_from <> n.valid_from THEN least(o.valid_from, n.valid_from)
    WHEN o.valid_to IS DISTINCT FROM n.valid_to
         THEN least(coalesce(o.valid_to, 'infinity'), coalesce(n.valid_to, 'infinity'))
    END"""
_CASE_X_PG = f"""least(
    CASE WHEN {" OR ".join(f"o.{c} IS DISTINCT FROM n.{c}" for c in _CASE_COLUMNS)}
         THEN least(o.registered_on, n.registered_on) END,
    CASE WHEN o.deadline IS DISTINCT FROM n.deadline THEN least(o.deadline, n.deadline) END)"""


def _simple(table: str, join: str, x: str, scope: str = "''::text") -> str:
    return f"SELECT {scope}, c.handling_org_id, {x} FROM {table} t {join.format(t='t')}"


# (name, table, event, transition tables, the SELECT of (scope, unit, x))
_PG_TRIGGERS = [
    ("period_ins", "ledger_statusperiod", "INSERT", "NEW TABLE AS new_rows", _simple("new_rows", _CASE_JOIN, "t.valid_from")),
    ("period_del", "ledger_statusperiod", "DELETE", "OLD TABLE AS old_rows", _simple("old_rows", _CASE_JOIN, "t.valid_from")),
    ("period_upd", "ledger_statusperiod", "UPDATE", "OLD TABLE AS old_rows NEW TABLE AS new_rows",
     _changed(_PERIOD_X_PG, "", _CASE_JOIN, _CASE_JOIN)),
    ("case_upd", "ledger_case", "UPDATE", "OLD TABLE AS old_rows NEW TABLE AS new_rows",
     f"""SELECT ''::text, v.unit, d.x
           FROM (SELECT o.handling_org_id AS old_unit, n.handling_org_id AS new_unit, {_CASE_X_PG} AS x
                   FROM old_rows o JOIN new_rows n ON n.id = o.id) d
          CROSS JOIN LATERAL (VALUES (d.old_unit), (d.new_unit)) AS v (unit)"""),
    ("case_del", "ledger_case", "DELETE", "OLD TABLE AS old_rows",
     "SELECT ''::text, t.handling_org_id, t.registered_on FROM old_rows t"),
    ("member_new", "campaigns_campaigncase", "INSERT", "NEW TABLE AS new_rows",
     _simple("new_rows", _CASE_JOIN, "c.registered_on", "'campaign:' || t.campaign_id")),
    ("member_old", "campaigns_campaigncase", "DELETE", "OLD TABLE AS old_rows",
     _simple("old_rows", _CASE_JOIN, "c.registered_on", "'campaign:' || t.campaign_id")),
    ("member_upd_old", "campaigns_campaigncase", "UPDATE", "OLD TABLE AS old_rows",
     _simple("old_rows", _CASE_JOIN, "c.registered_on", "'campaign:' || t.campaign_id")),
    ("member_upd_new", "campaigns_campaigncase", "UPDATE", "NEW TABLE AS new_rows",
     _simple("new_rows", _CASE_JOIN, "c.registered_on", "'campaign:' || t.campaign_id")),
    ("aid_ins", "ledger_judicialaid", "INSERT", "NEW TABLE AS new_rows", _simple("new_rows", _CASE_JOIN, "t.date")),
    ("aid_del", "ledger_judicialaid", "DELETE", "OLD TABLE AS old_rows", _simple("old_rows", _CASE_JOIN, "t.date")),
    ("aid_upd", "ledger_judicialaid", "UPDATE", "OLD TABLE AS old_rows NEW TABLE AS new_rows",
     _changed("least(o.date, n.date)", "WHERE (o.case_id, o.amount, o.date) IS DISTINCT FROM (n.case_id, n.amount, n.date)",
              _CASE_JOIN, _CASE_JOIN)),
    ("work_ins", "ledger_worklogentry", "INSERT", "NEW TABLE AS new_rows", _simple("new_rows", _CASE_JOIN, "t.date")),
    ("work_del", "ledger_worklogentry", "DELETE", "OLD TABLE AS old_rows", _simple("old_rows", _CASE_JOIN, "t.date")),
    ("work_upd", "ledger_worklogentry", "UPDATE", "OLD TABLE AS old_rows NEW TABLE AS new_rows",
     _changed("least(o.date, n.date)", "WHERE (o.case_id, o.kind, o.date) IS DISTINCT FROM (n.case_id, n.kind, n.date)",
              _CASE_JOIN, _CASE_JOIN)),
    ("review_ins", "reviews_qualityreview", "INSERT", "NEW TABLE AS new_rows",
     _simple("new_rows", _MATTER_JOIN, "t.reviewed_on")),
    ("review_del", "reviews_qualityreview", "DELETE", "OLD TABLE AS old_rows",
     _simple("old_rows", _MATTER_JOIN, "t.reviewed_on")),
    ("review_upd", "reviews_qualityreview", "UPDATE", "OLD TABLE AS old_rows NEW TABLE AS new_rows",
     _changed("least(o.reviewed_on, n.reviewed_on)",
              "WHERE (o.matter_id, o.grade, o.reviewed_on) IS DISTINCT FROM (n.matter_id, n.grade, n.reviewed_on)",
              _MATTER_JOIN, _MATTER_JOIN)),
    ("action_ins", "reviews_accountabilityaction", "INSERT", "NEW TABLE AS new_rows",
     _simple("new_rows", _REVIEW_JOIN, "r.reviewed_on")),
    ("action_del", "reviews_accountabilityaction", "DELETE", "OLD TABLE AS old_rows",
     _simple("old_rows", _REVIEW_JOIN, "r.reviewed_on")),
    ("action_upd", "reviews_accountabilityaction", "UPDATE", "OLD TABLE AS old_rows NEW TABLE AS new_rows",
     f"""SELECT ''::text, c.handling_org_id, r.reviewed_on
           FROM old_rows o JOIN new_rows n ON n.id = o.id
           JOIN reviews_qualityreview r ON r.id IN (o.review_id, n.review_id)
           JOIN ledger_underlyingmatter m ON m.id = r.matter_id JOIN ledger_case c ON c.id = m.case_id
          WHERE o.review_id <> n.review_id"""),
    ("matter_upd", "ledger_underlyingmatter", "UPDATE", "OLD TABLE AS old_rows NEW TABLE AS new_rows",
     _changed("(SELECT min(reviewed_on) FROM reviews_qualityreview WHERE matter_id = n.id)",
              "WHERE o.case_id <> n.case_id", _CASE_JOIN, _CASE_JOIN)),
    ("matter_del", "ledger_underlyingmatter", "DELETE", "OLD TABLE AS old_rows",
     _simple("old_rows", _CASE_JOIN, "(SELECT min(reviewed_on) FROM reviews_qualityreview WHERE matter_id = t.id)")),
]
POSTGRES = []
for _name, _table, _event, _refs, _pairs in _PG_TRIGGERS:
    POSTGRES += [
        f"""CREATE FUNCTION qingji_su_{_name}() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN {_MARK_PG.format(pairs=_pairs)}; RETURN NULL; END $$""",
        f"""CREATE TRIGGER qingji_su_{_name} AFTER {_event} ON {_table} REFERENCING {_refs} FOR EACH STATEMENT
        EXECUTE FUNCTION qingji_su_{_name}()""",
    ]
POSTGRES_DROP = [
    *[f"DROP TRIGGER IF EXISTS qingji_su_{name} ON {table}" for name, table, *_rest in _PG_TRIGGERS],
    *[f"DROP FUNCTION IF EXISTS qingji_su_{name}()" for name, *_rest in _PG_TRIGGERS],
]


def _earlier(name: str) -> Any:
    return importlib.import_module(f"qingji.reports.migrations.{name}")


def _run(statements: dict[str, list[str]]) -> Any:
    def run(apps: Any, schema_editor: Any) -> None:
        for sql in statements.get(schema_editor.connection.vendor, []):
            schema_editor.execute(sql)
    return run


def drop_earlier(apps: Any, schema_editor: Any) -> None:
    first, second = _earlier("0001_checkpoints"), _earlier("0002_categories_flags_work")
    vendor = schema_editor.connection.vendor
    statements = {"sqlite": [*first.SQLITE_DROP, *second.SQLITE_BACK[1:]],
                  "postgresql": [*second.POSTGRES_BACK[1:], *first.POSTGRES_DROP]}.get(vendor, [])
    for sql in statements:
        if sql.startswith("CREATE"):
            continue
        schema_editor.execute(sql)


def restore_earlier(apps: Any, schema_editor: Any) -> None:
    first, second = _earlier("0001_checkpoints"), _earlier("0002_categories_flags_work")
    vendor = schema_editor.connection.vendor
    for sql in {"sqlite": [*first.SQLITE, *second.SQLITE], "postgresql": [*first.POSTGRES, *second.POSTGRES]}.get(vendor, []):
        schema_editor.execute(sql)


def forget_checkpoints(apps: Any, schema_editor: Any) -> None:
    apps.get_model("reports", "SummaryCheckpoint").objects.all().delete()
    apps.get_model("reports", "CheckpointState").objects.all().delete()


class Migration(migrations.Migration):

    dependencies = [
        ('reports', '0002_categories_flags_work'),
    ]

    operations = [
        migrations.RunPython(drop_earlier, restore_earlier),
        migrations.RunPython(forget_checkpoints, migrations.RunPython.noop),
        migrations.CreateModel(
            name='StaleUnit',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('scope', models.CharField(blank=True, max_length=24)),
                ('unit', models.BigIntegerField()),
                ('since', models.DateField()),
                ('generation', models.BigIntegerField(default=1)),
            ],
        ),
        migrations.RemoveConstraint(
            model_name='summarycheckpoint',
            name='checkpoint_scope_day',
        ),
        migrations.RemoveField(
            model_name='checkpointstate',
            name='built_through',
        ),
        migrations.RemoveField(
            model_name='checkpointstate',
            name='dirty_from',
        ),
        migrations.AddField(
            model_name='checkpointstate',
            name='days',
            field=models.JSONField(default=list),
        ),
        migrations.AddField(
            model_name='checkpointstate',
            name='horizon',
            field=models.DateField(null=True),
        ),
        migrations.AddField(
            model_name='summarycheckpoint',
            name='unit',
            field=models.BigIntegerField(default=0),
            preserve_default=False,
        ),
        migrations.AlterField(
            model_name='summarycheckpoint',
            name='totals',
            field=models.JSONField(default=list),
        ),
        migrations.AddIndex(
            model_name='summarycheckpoint',
            index=models.Index(fields=['scope', 'unit', 'day'], name='checkpoint_scope_unit_day'),
        ),
        migrations.AddConstraint(
            model_name='summarycheckpoint',
            constraint=models.UniqueConstraint(fields=('scope', 'day', 'unit'), name='checkpoint_scope_day_unit'),
        ),
        migrations.AddConstraint(
            model_name='staleunit',
            constraint=models.UniqueConstraint(fields=('scope', 'unit'), name='staleunit_scope_unit'),
        ),
        migrations.RunPython(_run({"sqlite": SQLITE, "postgresql": POSTGRES}),
                             _run({"sqlite": SQLITE_DROP, "postgresql": POSTGRES_DROP})),
    ]
