"""The summary's checkpoint tables and the triggers that mark them stale (reports/models.py).

The triggers are the one place that sees every write, whichever code makes it (a service, the bulk
importer, the benchmark generator's COPY): on PostgreSQL statement-level triggers with transition
tables (one UPDATE of the state per statement, also for COPY), on SQLite row triggers (in-process).
Each computes the earliest day a change can alter, X, and moves `dirty_from` back to X for every scope
whose checkpoints reach X."""

from django.db import migrations, models

# The earliest day a change to a status period can alter: its start for a change of case, status,
# method or start; the earlier end when only the end moved (closing the open period today).
_PERIOD_X_SQLITE = """CASE
    WHEN OLD.case_id IS NOT NEW.case_id OR OLD.status IS NOT NEW.status OR OLD.method IS NOT NEW.method
         OR OLD.valid_from IS NOT NEW.valid_from THEN min(OLD.valid_from, NEW.valid_from)
    WHEN OLD.valid_to IS NOT NEW.valid_to
         THEN min(coalesce(OLD.valid_to, '9999-12-31'), coalesce(NEW.valid_to, '9999-12-31'))
    END"""
# A case's unit, source, key supervision or registration date count from its registration; its deadline
# from the earlier of the two deadlines (overdue counts).
_CASE_X_SQLITE = """min(
    coalesce(CASE WHEN OLD.handling_org_id IS NOT NEW.handling_org_id OR OLD.source IS NOT NEW.source
                       OR OLD.key_supervision IS NOT NEW.key_supervision OR OLD.registered_on IS NOT NEW.registered_on
                  THEN min(OLD.registered_on, NEW.registered_on) END, '9999-12-31'),
    coalesce(CASE WHEN OLD.deadline IS NOT NEW.deadline
                  THEN min(coalesce(OLD.deadline, '9999-12-31'), coalesce(NEW.deadline, '9999-12-31')) END,
             '9999-12-31'))"""


def _mark_sqlite(x: str) -> str:
    return (f"UPDATE reports_checkpointstate SET dirty_from = {x} WHERE {x} IS NOT NULL "
            f"AND built_through >= {x} AND (dirty_from IS NULL OR dirty_from > {x});")


def _mark_campaign_sqlite(row: str) -> str:
    return ("UPDATE reports_checkpointstate SET dirty_from = '0001-01-01' "
            f"WHERE scope = 'campaign:' || {row}.campaign_id AND built_through IS NOT NULL "
            "AND (dirty_from IS NULL OR dirty_from > '0001-01-01');")


SQLITE = [
    f"""CREATE TRIGGER qingji_cp_period_ins AFTER INSERT ON ledger_statusperiod
        BEGIN {_mark_sqlite("NEW.valid_from")} END""",
    f"""CREATE TRIGGER qingji_cp_period_del AFTER DELETE ON ledger_statusperiod
        BEGIN {_mark_sqlite("OLD.valid_from")} END""",
    f"""CREATE TRIGGER qingji_cp_period_upd AFTER UPDATE OF case_id, status, method, valid_from, valid_to
        ON ledger_statusperiod BEGIN {_mark_sqlite(_PERIOD_X_SQLITE)} END""",
    f"""CREATE TRIGGER qingji_cp_case_upd AFTER UPDATE OF handling_org_id, source, key_supervision,
        registered_on, deadline ON ledger_case BEGIN {_mark_sqlite(_CASE_X_SQLITE)} END""",
    f"""CREATE TRIGGER qingji_cp_case_del AFTER DELETE ON ledger_case
        BEGIN {_mark_sqlite("OLD.registered_on")} END""",
    f"""CREATE TRIGGER qingji_cp_member_ins AFTER INSERT ON campaigns_campaigncase
        BEGIN {_mark_campaign_sqlite("NEW")} END""",
    f"""CREATE TRIGGER qingji_cp_member_del AFTER DELETE ON campaigns_campaigncase
        BEGIN {_mark_campaign_sqlite("OLD")} END""",
    f"""CREATE TRIGGER qingji_cp_member_upd AFTER UPDATE OF campaign_id, case_id ON campaigns_campaigncase
        BEGIN {_mark_campaign_sqlite("OLD")} {_mark_campaign_sqlite("NEW")} END""",
]
# Reviews and judicial aid count from their own dates (never before them); an accountability action changes
# its review's figures from the review's date; a matter moved to another case, its reviews'.
_REVIEW_OF_SQLITE = "(SELECT reviewed_on FROM reviews_qualityreview WHERE id = {row}.review_id)"
_MATTER_REVIEWS_SQLITE = "(SELECT min(reviewed_on) FROM reviews_qualityreview WHERE matter_id = {row}.id)"
SQLITE += [
    f"""CREATE TRIGGER qingji_cp_aid_ins AFTER INSERT ON ledger_judicialaid BEGIN {_mark_sqlite("NEW.date")} END""",
    f"""CREATE TRIGGER qingji_cp_aid_del AFTER DELETE ON ledger_judicialaid BEGIN {_mark_sqlite("OLD.date")} END""",
    f"""CREATE TRIGGER qingji_cp_aid_upd AFTER UPDATE OF case_id, amount, date ON ledger_judicialaid
        BEGIN {_mark_sqlite("min(OLD.date, NEW.date)")} END""",
    f"""CREATE TRIGGER qingji_cp_review_ins AFTER INSERT ON reviews_qualityreview
        BEGIN {_mark_sqlite("NEW.reviewed_on")} END""",
    f"""CREATE TRIGGER qingji_cp_review_del AFTER DELETE ON reviews_qualityreview
        BEGIN {_mark_sqlite("OLD.reviewed_on")} END""",
    f"""CREATE TRIGGER qingji_cp_review_upd AFTER UPDATE OF matter_id, grade, reviewed_on ON reviews_qualityreview
        BEGIN {_mark_sqlite("min(OLD.reviewed_on, NEW.reviewed_on)")} END""",
    f"""CREATE TRIGGER qingji_cp_action_ins AFTER INSERT ON reviews_accountabilityaction
        BEGIN {_mark_sqlite(_REVIEW_OF_SQLITE.format(row="NEW"))} END""",
    f"""CREATE TRIGGER qingji_cp_action_del AFTER DELETE ON reviews_accountabilityaction
        BEGIN {_mark_sqlite(_REVIEW_OF_SQLITE.format(row="OLD"))} END""",
    f"""CREATE TRIGGER qingji_cp_action_upd AFTER UPDATE OF review_id ON reviews_accountabilityaction
        BEGIN {_mark_sqlite(_REVIEW_OF_SQLITE.format(row="OLD"))} {_mark_sqlite(_REVIEW_OF_SQLITE.format(row="NEW"))} END""",
    f"""CREATE TRIGGER qingji_cp_matter_upd AFTER UPDATE OF case_id ON ledger_underlyingmatter
        BEGIN {_mark_sqlite(_MATTER_REVIEWS_SQLITE.format(row="NEW"))} END""",
    f"""CREATE TRIGGER qingji_cp_matter_del AFTER DELETE ON ledger_underlyingmatter
        BEGIN {_mark_sqlite(_MATTER_REVIEWS_SQLITE.format(row="OLD"))} END""",
]
SQLITE_DROP = [f"DROP TRIGGER IF EXISTS {name}" for name in (
    "qingji_cp_period_ins", "qingji_cp_period_del", "qingji_cp_period_upd", "qingji_cp_case_upd",
    "qingji_cp_case_del", "qingji_cp_member_ins", "qingji_cp_member_del", "qingji_cp_member_upd",
    "qingji_cp_aid_ins", "qingji_cp_aid_del", "qingji_cp_aid_upd", "qingji_cp_review_ins", "qingji_cp_review_del",
    "qingji_cp_review_upd", "qingji_cp_action_ins", "qingji_cp_action_del", "qingji_cp_action_upd",
    "qingji_cp_matter_upd", "qingji_cp_matter_del")]

POSTGRES = [
    """CREATE FUNCTION qingji_cp_mark(x date) RETURNS void LANGUAGE plpgsql AS $$
    BEGIN
        IF x IS NOT NULL THEN
            UPDATE reports_checkpointstate SET dirty_from = x
             WHERE built_through >= x AND (dirty_from IS NULL OR dirty_from > x);
        END IF;
    END $$""",
    """CREATE FUNCTION qingji_cp_mark_campaigns(ids bigint[]) RETURNS void LANGUAGE plpgsql AS $$
    BEGIN
        UPDATE reports_checkpointstate SET dirty_from = DATE '0001-01-01'
         WHERE scope = ANY (SELECT 'campaign:' || i FROM unnest(ids) AS i)
           AND built_through IS NOT NULL AND (dirty_from IS NULL OR dirty_from > DATE '0001-01-01');
    END $$""",
    """CREATE FUNCTION qingji_cp_period_ins() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN PERFORM qingji_cp_mark((SELECT min(valid_from) FROM new_rows)); RETURN NULL; END $$""",
    """CREATE FUNCTION qingji_cp_period_del() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN PERFORM qingji_cp_mark((SELECT min(valid_from) FROM old_rows)); RETURN NULL; END $$""",
    """CREATE FUNCTION qingji_cp_period_upd() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        PERFORM qingji_cp_mark((
            SELECT min(CASE
                WHEN o.case_id <> n.case_id OR o.status <> n.status OR o.method <> n.method
                     OR o.valid_from <> n.valid_from THEN least(o.valid_from, n.valid_from)
                WHEN o.valid_to IS DISTINCT FROM n.valid_to
                     THEN least(coalesce(o.valid_to, 'infinity'), coalesce(n.valid_to, 'infinity'))
                END)
              FROM old_rows o JOIN new_rows n ON n.id = o.id));
        RETURN NULL;
    END $$""",
    """CREATE FUNCTION qingji_cp_case_upd() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        PERFORM qingji_cp_mark((
            SELECT min(least(
                CASE WHEN o.handling_org_id <> n.handling_org_id OR o.source <> n.source
                          OR o.key_supervision <> n.key_supervision OR o.registered_on <> n.registered_on
                     THEN least(o.registered_on, n.registered_on) END,
                CASE WHEN o.deadline IS DISTINCT FROM n.deadline THEN least(o.deadline, n.deadline) END))
              FROM old_rows o JOIN new_rows n ON n.id = o.id));
        RETURN NULL;
    END $$""",
    """CREATE FUNCTION qingji_cp_case_del() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN PERFORM qingji_cp_mark((SELECT min(registered_on) FROM old_rows)); RETURN NULL; END $$""",
    """CREATE FUNCTION qingji_cp_member_new() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN PERFORM qingji_cp_mark_campaigns(ARRAY(SELECT DISTINCT campaign_id FROM new_rows)); RETURN NULL; END $$""",
    """CREATE FUNCTION qingji_cp_member_old() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN PERFORM qingji_cp_mark_campaigns(ARRAY(SELECT DISTINCT campaign_id FROM old_rows)); RETURN NULL; END $$""",
    """CREATE TRIGGER qingji_cp_period_ins AFTER INSERT ON ledger_statusperiod
        REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION qingji_cp_period_ins()""",
    """CREATE TRIGGER qingji_cp_period_del AFTER DELETE ON ledger_statusperiod
        REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION qingji_cp_period_del()""",
    """CREATE TRIGGER qingji_cp_period_upd AFTER UPDATE ON ledger_statusperiod
        REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT
        EXECUTE FUNCTION qingji_cp_period_upd()""",
    """CREATE TRIGGER qingji_cp_case_upd AFTER UPDATE ON ledger_case
        REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT
        EXECUTE FUNCTION qingji_cp_case_upd()""",
    """CREATE TRIGGER qingji_cp_case_del AFTER DELETE ON ledger_case
        REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION qingji_cp_case_del()""",
    """CREATE TRIGGER qingji_cp_member_ins AFTER INSERT ON campaigns_campaigncase
        REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION qingji_cp_member_new()""",
    """CREATE TRIGGER qingji_cp_member_del AFTER DELETE ON campaigns_campaigncase
        REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION qingji_cp_member_old()""",
    """CREATE TRIGGER qingji_cp_member_upd_old AFTER UPDATE ON campaigns_campaigncase
        REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION qingji_cp_member_old()""",
    """CREATE TRIGGER qingji_cp_member_upd_new AFTER UPDATE ON campaigns_campaigncase
        REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION qingji_cp_member_new()""",
]
# (function and trigger name, table, event, transition tables, the SELECT of the earliest day it changes)
_PG_MORE = [
    ("qingji_cp_aid_ins", "ledger_judicialaid", "INSERT", "NEW TABLE AS new_rows", "SELECT min(date) FROM new_rows"),
    ("qingji_cp_aid_del", "ledger_judicialaid", "DELETE", "OLD TABLE AS old_rows", "SELECT min(date) FROM old_rows"),
    ("qingji_cp_aid_upd", "ledger_judicialaid", "UPDATE", "OLD TABLE AS old_rows NEW TABLE AS new_rows",
     """SELECT min(least(o.date, n.date)) FROM old_rows o JOIN new_rows n ON n.id = o.id
         WHERE (o.case_id, o.amount, o.date) IS DISTINCT FROM (n.case_id, n.amount, n.date)"""),
    ("qingji_cp_review_ins", "reviews_qualityreview", "INSERT", "NEW TABLE AS new_rows",
     "SELECT min(reviewed_on) FROM new_rows"),
    ("qingji_cp_review_del", "reviews_qualityreview", "DELETE", "OLD TABLE AS old_rows",
     "SELECT min(reviewed_on) FROM old_rows"),
    ("qingji_cp_review_upd", "reviews_qualityreview", "UPDATE", "OLD TABLE AS old_rows NEW TABLE AS new_rows",
     """SELECT min(least(o.reviewed_on, n.reviewed_on)) FROM old_rows o JOIN new_rows n ON n.id = o.id
         WHERE (o.matter_id, o.grade, o.reviewed_on) IS DISTINCT FROM (n.matter_id, n.grade, n.reviewed_on)"""),
    ("qingji_cp_action_ins", "reviews_accountabilityaction", "INSERT", "NEW TABLE AS new_rows",
     "SELECT min(r.reviewed_on) FROM new_rows a JOIN reviews_qualityreview r ON r.id = a.review_id"),
    ("qingji_cp_action_del", "reviews_accountabilityaction", "DELETE", "OLD TABLE AS old_rows",
     "SELECT min(r.reviewed_on) FROM old_rows a JOIN reviews_qualityreview r ON r.id = a.review_id"),
    ("qingji_cp_action_upd", "reviews_accountabilityaction", "UPDATE", "OLD TABLE AS old_rows NEW TABLE AS new_rows",
     """SELECT min(r.reviewed_on) FROM old_rows o JOIN new_rows n ON n.id = o.id
          JOIN reviews_qualityreview r ON r.id IN (o.review_id, n.review_id) WHERE o.review_id <> n.review_id"""),
    ("qingji_cp_matter_upd", "ledger_underlyingmatter", "UPDATE", "OLD TABLE AS old_rows NEW TABLE AS new_rows",
     """SELECT min(r.reviewed_on) FROM old_rows o JOIN new_rows n ON n.id = o.id
          JOIN reviews_qualityreview r ON r.matter_id = n.id WHERE o.case_id <> n.case_id"""),
    ("qingji_cp_matter_del", "ledger_underlyingmatter", "DELETE", "OLD TABLE AS old_rows",
     "SELECT min(r.reviewed_on) FROM old_rows m JOIN reviews_qualityreview r ON r.matter_id = m.id"),
]
for _name, _table, _event, _refs, _select in _PG_MORE:
    POSTGRES += [
        f"""CREATE FUNCTION {_name}() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN PERFORM qingji_cp_mark(({_select})); RETURN NULL; END $$""",
        f"""CREATE TRIGGER {_name} AFTER {_event} ON {_table} REFERENCING {_refs} FOR EACH STATEMENT
        EXECUTE FUNCTION {_name}()""",
    ]

POSTGRES_DROP = [
    *[f"DROP TRIGGER IF EXISTS {name} ON {table}" for name, table, *_rest in _PG_MORE],
    *[f"DROP FUNCTION IF EXISTS {name}()" for name, *_rest in _PG_MORE],
    "DROP TRIGGER IF EXISTS qingji_cp_period_ins ON ledger_statusperiod",
    "DROP TRIGGER IF EXISTS qingji_cp_period_del ON ledger_statusperiod",
    "DROP TRIGGER IF EXISTS qingji_cp_period_upd ON ledger_statusperiod",
    "DROP TRIGGER IF EXISTS qingji_cp_case_upd ON ledger_case",
    "DROP TRIGGER IF EXISTS qingji_cp_case_del ON ledger_case",
    "DROP TRIGGER IF EXISTS qingji_cp_member_ins ON campaigns_campaigncase",
    "DROP TRIGGER IF EXISTS qingji_cp_member_del ON campaigns_campaigncase",
    "DROP TRIGGER IF EXISTS qingji_cp_member_upd_old ON campaigns_campaigncase",
    "DROP TRIGGER IF EXISTS qingji_cp_member_upd_new ON campaigns_campaigncase",
    *[f"DROP FUNCTION IF EXISTS {f}" for f in (
        "qingji_cp_period_ins()", "qingji_cp_period_del()", "qingji_cp_period_upd()", "qingji_cp_case_upd()",
        "qingji_cp_case_del()", "qingji_cp_member_new()", "qingji_cp_member_old()", "qingji_cp_mark(date)",
        "qingji_cp_mark_campaigns(bigint[])")],
]


def _run(statements: dict[str, list[str]]):
    def run(apps, schema_editor) -> None:
        for sql in statements.get(schema_editor.connection.vendor, []):
            schema_editor.execute(sql)
    return run


class Migration(migrations.Migration):

    initial = True

    dependencies = [
        ('ledger', '0006_report_indexes'),
        ('campaigns', '0002_setup_bulletins_assessment'),
        ('reviews', '0001_initial'),
    ]

    operations = [
        migrations.CreateModel(
            name='CheckpointState',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('scope', models.CharField(max_length=24, unique=True)),
                ('built_through', models.DateField(null=True)),
                ('dirty_from', models.DateField(null=True)),
                ('refreshed_at', models.DateTimeField(null=True)),
            ],
        ),
        migrations.CreateModel(
            name='SummaryCheckpoint',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('scope', models.CharField(max_length=24)),
                ('day', models.DateField()),
                ('groups', models.JSONField(default=list)),
                ('reviews', models.JSONField(default=list)),
                ('aid', models.JSONField(default=list)),
                ('totals', models.JSONField(default=dict)),
            ],
            options={
                'constraints': [models.UniqueConstraint(fields=('scope', 'day'), name='checkpoint_scope_day')],
            },
        ),
        migrations.RunPython(_run({"sqlite": SQLITE, "postgresql": POSTGRES}),
                             _run({"sqlite": SQLITE_DROP, "postgresql": POSTGRES_DROP})),
    ]
