"""Importing a ledger workbook (spec/ledger-template.md), streamed: rows are checked and written a batch
at a time inside one transaction, every problem of every row is collected, and the transaction is rolled
back unless every row is valid, so nothing is written then, nor when the process is killed midway.
New cases are written in bulk with the rows the ledger's services would make; existing cases are changed
through the services. See docs/exchange.md."""

import datetime as dt
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from operator import attrgetter, itemgetter
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any, overload

from django.db import connection, transaction
from django.db.models import Model, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from qingji.accounts.models import User
from qingji.accounts.roles import has_capability
from qingji.audit.models import AuditEntry, AuditHead
from qingji.audit.services import ENTRY_COLUMNS, audit_chain, audit_head_locked, audit_log, audit_values
from qingji.campaigns.models import Campaign, CampaignCase
from qingji.exchange.columns import FLAG_COLUMNS, OPEN, Vocabulary
from qingji.exchange.columns import SOURCES as SOURCE_SYNONYMS
from qingji.exchange.parsing import LABELS, Lookups, Row, RowReader, UnitWords, Words, read_rows, word
from qingji.exchange.reviews import parse_reviews, review_sheet, write_reviews
from qingji.ledger.models import (
    CLOSED_STATUSES,
    Case,
    CasePetitioner,
    CaseStatus,
    JudicialAid,
    Petitioner,
    RecordSource,
    Responsibility,
    StatusPeriod,
    UnderlyingMatter,
)
from qingji.ledger.services import (
    CaseChange,
    aid_add,
    case_changes_write,
    case_record_status,
    case_registration_values,
    case_snapshot,
    case_update,
    case_values,
    format_ledger_no,
    last_ledger_seq,
    ledger_no_prefix,
    petitioner_created_audit,
    petitioner_values,
    require,
    responsibility_assign,
    responsibility_snapshot,
    search_text_of,
    status_change,
)
from qingji.ledger.vocabulary import CATEGORIES, SOURCES, Entry, VocabularyKey
from qingji.ledger.vocabulary import Vocabulary as VocabularyOfRules
from qingji.lib import bulk
from qingji.lib.bulk import BackgroundWriter, allocate_ids, insert_values, large_page_cache
from qingji.lib.pii import digest
from qingji.lib.problems import InputRejected, ProblemList
from qingji.organisations.models import Official, Org
from qingji.organisations.selectors import visible_orgs
from qingji.reports import upkeep

BATCH_SIZE = 2000  # rows checked, then written, at a time


@dataclass
class ImportResult:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    ignored_columns: list[str] = field(default_factory=list)
    case_ids: list[int] = field(default_factory=list)


class _DryRun(Exception):  # noqa: N818 - control flow: undo a dry run's writes
    pass


def import_ledger(source: Path | IO[bytes], name: str, *, actor: User | None = None, sheet: str | None = None,
                  dry_run: bool = False, progress: Callable[[int], None] | None = None,
                  campaign: Campaign | None = None) -> ImportResult:
    """Validate and write the workbook in one streaming pass inside one transaction: rows are checked in
    batches and written while no problem has been found; after the first problem the rest is only checked,
    so that every problem is reported, and the transaction is rolled back. A dry run writes and rolls back,
    so its counts are exactly what an import would do. `progress` is called with the number of rows done
    after each batch. With a `campaign`, every case of the workbook is added to it (by hand), in the same
    transaction. (Call it outside any transaction of the caller's: within one, SQLite keeps a copy of
    every page it changes, in case of a rollback to the savepoint, which made imports half as slow again.)"""
    context = _Context(actor)
    problems = ProblemList()
    reader = read_rows(source, name, sheet, context.lookups(), problems, BATCH_SIZE)
    try:
        for label in reader.missing:
            problems.add(reader.header_row, label, "", _("This required column is missing."))
        if problems:
            raise InputRejected(problems)
        return _import(reader, source, name, context, problems, dry_run, progress, campaign)
    finally:
        reader.close()


def _import(reader: RowReader, source: Path | IO[bytes], name: str, context: "_Context", problems: ProblemList,
            dry_run: bool, progress: Callable[[int], None] | None, campaign: Campaign | None) -> ImportResult:
    actor = context.actor
    result = ImportResult(ignored_columns=reader.ignored)
    try:
        with transaction.atomic():
            # New rows are inserted by a second thread while this one plans the next batch (lib/bulk.
            # BackgroundWriter), and a large workbook is read by a child process meanwhile (parsing.py);
            # leaving this block waits for the last inserts.
            with large_page_cache(), BackgroundWriter() as background:
                writer = _Writer(context, result, background)
                done = 0
                for batch in reader.batches():
                    done += len(batch)
                    if not problems:  # after the first problem, rows are only checked
                        context.take_over(batch)
                        writer.write(batch)
                    if progress is not None:
                        progress(done)
                writer.finish()
            reviews = _review_rows(source, name, set(reader.seen), problems)
            if problems:
                raise InputRejected(problems)
            write_reviews(reviews, actor)
            if campaign is not None:
                CampaignCase.objects.bulk_create(
                    [CampaignCase(campaign=campaign, case_id=pk, by_hand=True) for pk in result.case_ids],
                    ignore_conflicts=True)
            audit_log(actor=actor, action="import.ledger", object_type="workbook", object_repr=name[:200],
                      after={"created": result.created, "updated": result.updated, "unchanged": result.unchanged})
            if dry_run:
                # What the commit would check last (PostgreSQL defers foreign keys to it), checked now, so
                # that a preview is refused where the import would be. SQLite counts its deferred
                # violations as rows go in, and the commit only reads the count: nothing left to check.
                if connection.vendor == "postgresql":
                    connection.check_constraints()
                raise _DryRun
            # History changed (an import brings past statuses): the triggers marked the units whose checkpoints
            # it reaches back into; the server's upkeep recomputes them once this is committed (reports/upkeep.py).
            transaction.on_commit(upkeep.wake)
            if result.created + result.updated >= bulk.ANALYSE_ROWS:  # fresh statistics for the planner
                transaction.on_commit(lambda: bulk.analyse(_FILLED))
    except _DryRun:
        result.case_ids = []
    return result


def _review_rows(source: Path | IO[bytes], name: str, ledger_numbers: set[str],
                 problems: ProblemList) -> list[dict[str, Any]]:
    """The optional 案件评查 sheet of a workbook (not of a CSV file)."""
    if name.lower().endswith(".csv"):
        return []
    if not isinstance(source, Path):
        source.seek(0)
    sheet = review_sheet(source)
    if sheet is None:
        return []
    if not isinstance(source, Path):
        source.seek(0)
    return parse_reviews(source, name, sheet, ledger_numbers, problems)


def _words(entries: list[Entry], synonyms: Vocabulary) -> Words:
    """The words of one unit's rule: an active entry by its label, its code, and (a default code) the synonyms
    of spec/ledger-template.md; a retired one by its label and code, to say so."""
    accepted: dict[str, str] = {}
    retired: dict[str, str] = {}
    for entry in entries:
        words = (entry.label, entry.code, *synonyms.get(entry.code, ()))
        target = accepted if entry.active else retired
        for text in words:
            target.setdefault(word(text), entry.code)
    return Words(accepted, retired, [e.label for e in entries if e.active])


def _unit_words(vocabulary: VocabularyOfRules, key: VocabularyKey, orgs: list[Org], own: Org | None,
                synonyms: Vocabulary) -> UnitWords:
    """The words of every unit's rule, a group per distinct rule; the fallback is the importing user's unit's."""
    groups: list[Words] = []
    of_unit: dict[int, int] = {}
    for entries, ids in vocabulary.groups(key, orgs):
        groups.append(_words(entries, synonyms))
        of_unit.update(dict.fromkeys(ids or (), len(groups) - 1))
    fallback = of_unit.get(own.pk, 0) if own is not None else 0
    if own is None and of_unit:  # no importing unit (the command line): the default rule for an unknown unit
        groups.append(_words(vocabulary.entries(key, None), synonyms))
        fallback = len(groups) - 1
    return UnitWords(groups, of_unit, fallback)


class _Context:
    """The importing user, the units, their sources and categories, and today, loaded once per import."""

    def __init__(self, actor: User | None) -> None:
        self.actor = actor
        self.orgs_by_pk = {o.pk: o for o in Org.objects.all()}
        self.scope = None if actor is None else set(visible_orgs(actor).values_list("pk", flat=True))
        self.vocabulary = VocabularyOfRules()
        self.today = timezone.localdate()

    def lookups(self) -> Lookups:
        orgs = list(self.orgs_by_pk.values())
        own = self.orgs_by_pk.get(self.actor.org_id) if self.actor is not None and self.actor.org_id else None
        return Lookups(orgs={o.code: o.pk for o in orgs} | {o.name: o.pk for o in orgs}, scope=self.scope,
                       sources=_unit_words(self.vocabulary, SOURCES, orgs, own, SOURCE_SYNONYMS),
                       categories=_unit_words(self.vocabulary, CATEGORIES, orgs, own, {}), today=self.today)

    def take_over(self, rows: list[Row]) -> None:
        """The parser's keys of units and codes of categories as the objects the writer works with."""
        orgs, vocabulary = self.orgs_by_pk, self.vocabulary
        for row in rows:
            v = row.values
            v["handling_org"] = orgs[v["handling_org"]]
            if v["category"] is not None:
                v["category"] = vocabulary.category(v["category"])


# ---------------------------------------------------------------- writing
#
# New cases are written in bulk, making the same rows and audit entries as the ledger's services would
# (case_register, responsibility_assign, case_record_status, aid_add): the row-building code is the
# services' own (case_values, case_registration_values, status_change, ...). An existing case is first
# compared in memory with its row; only when something differs does it go through the services one by one.
#
# The inserts run in a second thread (lib/bulk.BackgroundWriter), one batch behind: batch k's lookups are
# made while the database is idle, then batch k-1's inserts are handed to the writer, and batch k is planned
# (and batch k+1 read) while they run. So batch k is looked up before batch k-1 is in the database, and
# what k-1 made is known from memory instead: petitioners by ID-number digest (`made`), officials, ledger
# numbers, primary keys (`_Keys`, handed out ahead of the inserts) and the audit chain's head.

class _Writer:
    def __init__(self, ctx: _Context, result: ImportResult, background: BackgroundWriter) -> None:
        self.ctx, self.result, self.background = ctx, result, background
        self.officials = _Officials(ctx)
        self.ledger_seq: dict[str, int] = {}
        self.pending: list[Row | _Edit] = []  # new cases' rows, and edits of existing cases
        self.no_responsibility = responsibility_snapshot(Responsibility(), [])  # "before" of a first assignment
        self.keys = _Keys()
        self.made: dict[str, _Plain] = {}  # petitioners made by this import, by ID-number digest
        self.head: Any = None  # the audit chain's head, moved along in memory
        self.ready: list[tuple[Callable[..., Any], tuple[Any, ...]]] = []  # inserts not yet handed over

    def write(self, rows: list[Row]) -> None:
        self.background.sync()  # the previous batch's inserts are in: the database is this thread's
        numbers = [r.values["ledger_no"] for r in rows if r.values["ledger_no"]]
        existing = _existing_cases(numbers)
        self.officials.load(rows)
        self._look_up([r for r in rows if not (r.values["ledger_no"] and r.values["ledger_no"] in existing)])
        self._hand_over()  # from here on, the database is the writer's until the next sync
        for row in rows:
            case = existing.get(row.values["ledger_no"]) if row.values["ledger_no"] else None
            if case is None:
                self.pending.append(row)
            elif (parts := self._differences(case, row)) and parts <= _EDITS and self._may_edit(case):
                # Only the case's own details or its status differ: planned with the batch (`_edit`), as
                # case_update and case_record_status would make them, and written by the background writer.
                self.pending.append(_Edit(case, row))
                self.result.updated += 1
            elif parts:
                self.flush()  # rows before this one come first, as they would one by one
                self._hand_over()
                self.background.sync()
                changed = _update(Case.objects.select_related("handling_org").get(pk=case.pk), row, self.ctx,
                                  self.officials, parts)
                # The services took keys and moved the chain along: both are read again when next
                # needed (by then still with nothing handed over since this sync).
                self.keys.stale = True
                self.head = None
                self.result.updated += changed
                self.result.unchanged += not changed
                self.result.case_ids.append(case.pk)
            else:
                self.result.unchanged += 1
                self.result.case_ids.append(case.pk)
        self.flush()

    def finish(self) -> None:
        """Hand the last batch's inserts over (the caller then waits for them)."""
        self._hand_over()

    def _hand_over(self) -> None:
        ready, self.ready = self.ready, []
        for call, args in ready:
            self.background.submit(call, *args)

    def _look_up(self, rows: list[Row]) -> None:
        """Everything the new cases of a batch need from the database, read while it is idle: their
        petitioners and officials (the new ones given keys, the officials' inserts made ready), the last
        ledger numbers in use, the keys of their rows and the audit chain's head."""
        if not rows:
            return
        ctx = self.ctx
        for capability in ("case.register", "case.assign", "case.record_work"):
            require(ctx.actor, capability)  # as the services would; each row's unit was checked against the scope
        for row, people in zip(rows, self._petitioners(rows), strict=True):
            row.people = people
            row.officials = self._row_officials(row)
            v = row.values
            if not v["ledger_no"]:
                prefix = ledger_no_prefix(v["handling_org"], (v["registered_on"] or v["assigned_on"] or ctx.today).year)
                if prefix not in self.ledger_seq:
                    self.ledger_seq[prefix] = last_ledger_seq(prefix)
        new_officials = self.officials.unsaved
        self.keys.reserve(Official, len(new_officials))
        self.keys.reserve(Petitioner, len({id(p) for row in rows for p in row.people if p.new}))
        self.keys.reserve(Case, len(rows))
        self.keys.reserve(Responsibility, sum(1 for row in rows if row.officials))
        if new_officials:
            for official, pk in zip(new_officials, self.keys.take(Official, len(new_officials)), strict=True):
                official.id = pk
            table = _Table(Official, ("id", "org_id", "name", "title"), timezone.now(), self.ready.append)
            for official in new_officials:
                table.add((official.pk, official.org_id, official.name, official.title))
            table.write()
            self.officials.unsaved = []
        if self.head is None:
            self.head = audit_head_locked()

    def flush(self) -> None:
        """Plan the pending new cases and make their inserts ready, table by table, as plain tuples; and the
        pending edits of existing cases' details."""
        items, self.pending = self.pending, []
        if not items:
            return
        actor = self.ctx.actor
        rows = [item for item in items if not isinstance(item, _Edit)]
        edits = [item for item in items if isinstance(item, _Edit)]
        plans = [self._plan(row, row.people, row.officials) for row in rows]
        new_people = [p for plan in plans for p in plan.new_petitioners]
        assigned = [(plan, plan.responsibility) for plan in plans if plan.responsibility is not None]
        for person, pk in zip(new_people, self.keys.take(Petitioner, len(new_people)), strict=True):
            person.pk = pk
        for plan, pk in zip(plans, self.keys.take(Case, len(plans)), strict=True):
            plan.case.pk = pk
        planned = iter(plans)
        self.result.case_ids.extend(item.case.pk if isinstance(item, _Edit) else next(planned).case.pk
                                    for item in items)
        for (_plan, responsibility), pk in zip(assigned, self.keys.take(Responsibility, len(assigned)), strict=True):
            responsibility.pk = pk
        if self.head is None:
            self.head = audit_head_locked()
        now = timezone.now()
        actor_id = getattr(actor, "pk", None)
        ready = self.ready.append

        table = _Table(Petitioner, ("id", *_PETITIONER_COLUMNS), now, ready)
        for person in new_people:
            table.add((person.pk, *_petitioner_row(person.values)))
            person.values = None  # kept in `made` for later rows: only its key and name
        table.write()
        table = _Table(Case, ("id", *_CASE_COLUMNS), now, ready)
        for plan in plans:
            plan.case.created_at = plan.case.updated_at = now
            table.add((plan.case.pk, *_case_row(plan.case)))
        table.write()

        table = _Table(CasePetitioner, ("case_id", "petitioner_id", "position"), now, ready)
        for plan in plans:
            for position, person in enumerate(plan.petitioners):
                table.add((plan.case.pk, person.pk, position))
        table.write()
        table = _Table(UnderlyingMatter, ("case_id", "docket_number"), now, ready)
        for plan in plans:
            for docket in plan.dockets:
                table.add((plan.case.pk, docket))
        table.write()
        table = _Table(StatusPeriod, ("case_id", "status", "method", "valid_from", "valid_to", "source", "note",
                                      "recorded_by_id"), now, ready)
        for plan in plans:
            for period in plan.periods:
                table.add((plan.case.pk, period.status, period.method, period.valid_from, period.valid_to,
                           period.source, period.note, actor_id))
        table.write()

        table = _Table(Responsibility, ("id", "case_id", "lead_official_id", "supervising_official_id",
                                        "watch_officer_id", "head_of_unit_id", "plan", "deadline", "goal"), now, ready)
        for plan, r in assigned:
            table.add((r.pk, plan.case.pk, r.lead_official.pk, _pk(r.supervising_official),
                       _pk(r.watch_officer), None, r.plan, r.deadline, r.goal))
        table.write()
        table = _Table(Responsibility.handlers.through, ("responsibility_id", "official_id"), now, ready)
        for plan, r in assigned:
            for official_pk in dict.fromkeys(h.pk for h in plan.handlers):
                table.add((r.pk, official_pk))
        table.write()
        table = _Table(JudicialAid, ("case_id", "amount", "date", "payer", "approval", "recorded_by_id"), now, ready)
        for plan in plans:
            if plan.aid is not None:
                table.add((plan.case.pk, plan.aid["amount"], plan.aid["date"], plan.aid["payer"],
                           plan.aid["approval"], actor_id))
        table.write()

        if edits:
            ready((_write_edits, ([self._edit(edit) for edit in edits], getattr(actor, "pk", None), now)))

        at = now.astimezone(dt.UTC)
        entries: list[tuple[Any, ...]] = []
        planned = iter(plans)
        for item in items:  # the audit entries in the order of the rows, as one by one
            if isinstance(item, _Edit):
                entries.extend(audit_values(actor=actor, action=action, object_type="case", object_id=item.case.pk,
                                            object_repr=item.case.ledger_no, before=before, after=after, at=at)
                               for action, before, after in item.audit)
                continue
            plan = next(planned)
            for action, obj, before, after in plan.audit:
                if obj is plan.case:
                    entries.append(audit_values(actor=actor, action=action, object_type="case", object_id=obj.pk,
                                                object_repr=obj.ledger_no, before=before, after=after, at=at))
                else:
                    entries.append(audit_values(actor=actor, action=action, object_type="petitioner",
                                                object_id=obj.pk, object_repr=obj.name, before=before,
                                                after=after, at=at))
        ready((insert_values, (AuditEntry, ENTRY_COLUMNS, audit_chain(self.head, entries))))
        ready((_save_head, (self.head.pk, self.head.seq, self.head.hash)))
        self.result.created += len(plans)

    # -------------------------------------------------------- existing cases

    def _may_edit(self, case: "_Plain") -> bool:
        """Whether the importing user may edit the case where it is now (else the services say why not)."""
        ctx = self.ctx
        return ctx.scope is None or (case.handling_org_id in ctx.scope and has_capability(ctx.actor, "case.edit"))

    def _edit(self, edit: "_Edit") -> tuple[CaseChange, int]:
        """What `_update` would change, through case_update and case_record_status, in a case whose details
        or status differ from its row: the changed columns, the new status period, the audit entries (in
        `edit.audit`) and how many versions the case moves on; written by `_write_edits`, with the row's
        number for a refusal."""
        ctx, case, v = self.ctx, edit.case, edit.row.values
        fields = _case_fields(v)
        category = fields.pop("category")
        changes = {k: value for k, value in fields.items() if getattr(case, k) != value}
        if _pk(category) != case.category_id:
            changes["category_id"] = _pk(category)
        if v["handling_org"].pk != case.handling_org_id:
            changes["handling_org_id"] = v["handling_org"].pk
        if v["registered_on"] and v["registered_on"] != case.registered_on:
            changes["registered_on"] = v["registered_on"]
        before = case_snapshot(case)
        after = {**before, **changes}
        if diff_before := {k: value for k, value in before.items() if after[k] != value}:
            edit.audit.append(("case.update", diff_before, {k: after[k] for k in diff_before}))
        period = None
        if _status_differs(case, v):
            if v["status"] == OPEN:
                status, method, effective_on = CaseStatus.IN_PROGRESS, "", max(ctx.today, case.status_since)
            else:
                status = v["status"]
                method = v["method"] if status == CaseStatus.CLOSED_SETTLED else ""
                effective_on = max(v["closed_on"], case.status_since)
            # The open period began when the case's status did (the ledger's invariant).
            period, before, after = status_change(
                case, _Period(valid_from=case.status_since), status=status, method=method,
                effective_on=effective_on, source=RecordSource.IMPORT, note="", actor=ctx.actor, today=ctx.today,
                make_period=_Period)
            edit.audit.append(("case.record_status", before, after))
        return CaseChange(case.pk, case.version, steps=len(edit.audit), columns=changes, period=period), \
            edit.row.number

    def _differences(self, case: "_Plain", row: Row) -> set[str]:
        """The parts of the case `_update` would change (no query: the case's values come with what it needs)."""
        v, parts = row.values, set()
        fields = _case_fields(v)
        category = fields.pop("category")
        if any(getattr(case, k) != value for k, value in fields.items()) or \
                (category.pk if category else None) != case.category_id or \
                v["handling_org"].pk != case.handling_org_id or \
                (v["registered_on"] and v["registered_on"] != case.registered_on):
            parts.add("fields")
        if set(v["dockets"]) - case.dockets:
            parts.add("dockets")
        if v["lead_official"] is not None and self._responsibility_differs(case, v):
            parts.add("responsibility")
        if _status_differs(case, v):
            parts.add("status")
        if v["aid"] and v["aid"] > (case.aid_total or Decimal(0)):
            parts.add("aid")
        return parts

    def _responsibility_differs(self, case: "_Plain", v: dict[str, Any]) -> bool:
        current = case.responsibility
        if current is None:
            return True
        org = v["handling_org"]
        for column in ("lead_official", "supervising_official", "watch_officer"):
            wanted = self.officials.find(org, v[column]) if v[column] else None
            if (wanted.pk if wanted else None) != getattr(current, f"{column}_id"):
                return True
        if (current.plan, current.deadline) != (v["plan"], v["deadline"]):
            return True
        handlers = [self.officials.find(org, h) for h in v["handlers"]]
        return None in handlers or {_pk(h) for h in handlers} != current.handlers

    # -------------------------------------------------------- new cases
    #
    # The new cases of a batch are planned in memory as plain objects (no model instances: the services'
    # functions read and set their attributes), then written table by table as plain tuples with the keys
    # `_Keys` handed out (lib/bulk.insert_values: COPY on PostgreSQL, multi-row INSERTs on SQLite).

    def _petitioners(self, rows: list[Row]) -> list[list["_Plain"]]:
        """Per row, its petitioners: a known one (same ID number, also when made by an earlier batch, which may
        not be in the database yet) or a new one, not yet saved. What is kept from batch to batch is the key
        and name of each petitioner made (by ID-number digest): the import's only memory that grows with
        its rows, besides the ledger numbers seen."""
        keys = {v["id_number"]: digest(v["id_number"])
                for r in rows if (v := r.values)["id_number"] and not v.get("id_masked")}
        made = self.made
        known: dict[str, tuple[int, str]] = {}
        wanted = {d for d in keys.values() if d not in made}
        for pk, number_digest, name in (Petitioner.objects.filter(id_number_digest__in=wanted).order_by("-pk")
                                        .values_list("pk", "id_number_digest", "name")):
            known[number_digest] = (pk, name)  # the lowest pk wins, as .first() would
        people = []
        for row in rows:
            v = row.values
            mine = []
            for index, name in enumerate(v["petitioners"]):
                id_number = v["id_number"] if index == 0 and not v.get("id_masked") else ""
                key = keys[id_number] if id_number else ""
                if key and key in known:
                    pk, known_name = known[key]
                    mine.append(_Plain(pk=pk, name=known_name, new=False))
                elif key and key in made:
                    mine.append(made[key])
                else:
                    values = petitioner_values(
                        checked=True, name=name, gender=v["gender"] if index == 0 else "", id_number=id_number,
                        phone=v["phone"] if index == 0 and "*" not in v["phone"] else "",
                        address=v["address"] if index == 0 else "", group_size=v["group_size"] if index == 0 else 1)
                    petitioner = _Plain(pk=None, name=values["name"], id_number_digest=values["id_number_digest"],
                                        values=values, new=True)
                    if key:
                        made[key] = petitioner
                    mine.append(petitioner)
            people.append(mine)
        return people

    def _row_officials(self, row: Row) -> dict[str, Any]:
        v, org = row.values, row.values["handling_org"]
        if v["lead_official"] is None:
            return {}
        return {"lead_official": self.officials.get(org, v["lead_official"]),
                "supervising_official": self.officials.get(org, v["supervising_official"]),
                "watch_officer": self.officials.get(org, v["watch_officer"]),
                "handlers": [self.officials.get(org, h) for h in v["handlers"]]}

    def _ledger_no(self, org: Org, registered_on: dt.date) -> str:
        prefix = ledger_no_prefix(org, registered_on.year)
        if prefix not in self.ledger_seq:
            self.ledger_seq[prefix] = last_ledger_seq(prefix)
        self.ledger_seq[prefix] += 1
        return format_ledger_no(prefix, self.ledger_seq[prefix])

    def _plan(self, row: Row, petitioners: list["_Plain"], officials: dict[str, Any]) -> "_Plan":
        """What case_register, responsibility_assign, case_record_status and aid_add would write."""
        ctx, actor, v = self.ctx, self.ctx.actor, row.values
        plan = _Plan(petitioners=petitioners)
        for petitioner in petitioners:
            if petitioner.new:
                petitioner.new = False
                plan.new_petitioners.append(petitioner)
                plan.audit.append(("petitioner.create", petitioner, None, petitioner_created_audit(petitioner)))
        fields = _case_fields(v)
        flags = [flag for flag in FLAG_COLUMNS if fields.pop(flag)]
        registered_on = v["registered_on"] or v["assigned_on"] or ctx.today
        values = case_values(
            actor=actor, handling_org=v["handling_org"], petitioners=petitioners, registered_on=registered_on,
            ledger_no=v["ledger_no"] or self._ledger_no(v["handling_org"], registered_on), flags=flags,
            today=ctx.today, **fields)
        case = plan.case = _Plain(**_CASE_DEFAULTS)
        category, org, creator = values.pop("category"), values.pop("handling_org"), values.pop("created_by")
        case.__dict__.update(values, category_id=_pk(category), handling_org_id=org.pk, created_by_id=_pk(creator))
        plan.dockets, period = case_registration_values(case, [p.name for p in petitioners], v["dockets"],
                                                        RecordSource.IMPORT, actor, make_period=_Period)
        plan.periods.append(period)
        plan.audit.append(("case.register", case, None, case_snapshot(case)))
        if officials:
            handlers = officials.pop("handlers")
            responsibility = plan.responsibility = _Plain(plan=v["plan"], deadline=v["deadline"], goal="",
                                                          head_of_unit=None, **officials)
            plan.handlers = handlers
            stored_order = sorted(dict.fromkeys(handlers), key=lambda h: (ctx.orgs_by_pk[h.org_id].path, h.name))
            plan.audit.append(("case.assign", case, self.no_responsibility,
                               responsibility_snapshot(responsibility, stored_order)))
            case.deadline = v["deadline"]
            self._status(plan, period, CaseStatus.IN_PROGRESS, "", _assigned_on(v, case), RecordSource.SERVICE,
                         "case.assign_status")
        if v["status"] != OPEN:
            method = v["method"] if v["status"] == CaseStatus.CLOSED_SETTLED else ""
            self._status(plan, plan.periods[-1], v["status"], method, max(v["closed_on"], case.status_since),
                         RecordSource.IMPORT, "case.record_status")
        if v["aid"]:
            plan.aid = {"amount": v["aid"], "date": v["closed_on"] or v["registered_on"] or ctx.today,
                        "payer": "aid_fund", "approval": _("Imported from a workbook")}
            plan.audit.append(("case.aid", case, None, plan.aid))
        return plan

    def _status(self, plan: "_Plan", current: Any, status: str, method: str, effective_on: dt.date,
                source: str, action: str) -> None:
        period, before, after = status_change(plan.case, current, status=status, method=method,
                                              effective_on=effective_on, source=source, note="",
                                              actor=self.ctx.actor, today=self.ctx.today, make_period=_Period)
        plan.case.version += 1
        plan.periods.append(period)
        plan.audit.append((action, plan.case, before, after))


@dataclass
class _Edit:
    """An existing case whose row differs from it in its own details or its status only."""

    case: Any
    row: Row
    audit: list[tuple[str, dict[str, Any], dict[str, Any]]] = field(default_factory=list)


_EDITS = frozenset({"fields", "status"})  # the parts of a case `_Writer._edit` changes


def _write_edits(edits: list[tuple[CaseChange, int]], actor_id: int | None, now: dt.datetime) -> None:
    """Write the edited cases as case_update and case_record_status would, by the services' own writer of
    status changes (ledger.services.case_changes_write), with, when the petition matter changed, what text
    search looks in. An UPDATE finds its case only at the version the import read: one changed by someone
    else meanwhile refuses the import."""
    texts = _search_texts({change.case_id: change.columns["summary"] for change, _number in edits
                           if "summary" in change.columns})
    for change, _number in edits:
        if change.case_id in texts:
            change.columns["search_text"] = texts[change.case_id]
    numbers = {change.case_id: number for change, number in edits}
    refused = case_changes_write([change for change, _number in edits], recorded_by_id=actor_id, now=now)
    if refused:
        stale = ProblemList()
        for change in refused:
            stale.add(numbers[change.case_id], LABELS["ledger_no"], "", _(
                "This case was changed by someone else while the workbook was being imported; import the "
                "workbook again."))
        raise InputRejected(stale)


def _search_texts(summaries: dict[int, str]) -> dict[int, str]:
    """What text search looks in, for cases with a new petition matter (ledger.services.search_text_of)."""
    if not summaries:
        return {}
    names: dict[int, list[str]] = defaultdict(list)
    dockets: dict[int, list[str]] = defaultdict(list)
    for case_id, name in (CasePetitioner.objects.filter(case_id__in=list(summaries)).order_by("case_id", "position")
                          .values_list("case_id", "petitioner__name")):
        names[case_id].append(name)
    for case_id, docket in (UnderlyingMatter.objects.filter(case_id__in=list(summaries)).order_by("id")
                            .values_list("case_id", "docket_number")):
        dockets[case_id].append(docket)
    return {pk: search_text_of(names[pk], summary, dockets[pk]) for pk, summary in summaries.items()}


class _Plain:
    """A case, petitioner, responsibility or status period planned by the bulk path: a plain object with the
    attributes the services' functions read and set, written later as a plain row."""

    def __init__(self, **values: Any) -> None:
        self.__dict__.update(values)

    if TYPE_CHECKING:  # its attributes are the model's fields it stands in for, set as the import goes
        def __getattr__(self, name: str) -> Any: ...

        def __setattr__(self, name: str, value: Any) -> None: ...


class _Period(_Plain):
    valid_to: dt.date | None = None
    method = ""
    note = ""


class _Table:
    """Rows of one model as plain tuples: the given columns, then every other column at its field's default
    (auto_now fields at the batch's timestamp); `write` makes their insert ready (`ready`)."""

    def __init__(self, model: type[Model], columns: tuple[str, ...], now: dt.datetime,
                 ready: Callable[[tuple[Callable[..., Any], tuple[Any, ...]]], None]) -> None:
        rest = [f for f in model._meta.concrete_fields if not f.primary_key and f.attname not in columns]
        self.model, self.columns, self.ready = model, (*columns, *(f.attname for f in rest)), ready
        self.tail = tuple(now if getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False)
                          else f.get_default() for f in rest)
        self.rows: list[tuple[Any, ...]] = []

    def add(self, values: tuple[Any, ...]) -> None:
        self.rows.append(values + self.tail if self.tail else values)

    def write(self) -> None:
        rows, self.rows = self.rows, []
        if rows:
            self.ready((insert_values, (self.model, self.columns, rows)))


class _Keys:
    """Primary keys for the import's new rows, handed out ahead of their inserts (lib/bulk.allocate_ids):
    `reserve` while the database is idle, `take` while planning. PostgreSQL draws them from the sequences
    (exactly as many as reserved); on SQLite, where the next key is the largest in use + 1, they are counted
    on in memory from the first reservation, and read again (`stale`) after anything else inserted rows."""

    def __init__(self) -> None:
        self.sequences = connection.vendor == "postgresql"
        self.free: dict[type[Model], list[int]] = defaultdict(list)
        self.next: dict[type[Model], int] = {}
        self.stale = False

    def reserve(self, model: type[Model], count: int) -> None:
        self._fresh()
        if self.sequences:
            missing = count - len(self.free[model])
            if missing > 0:
                self.free[model] += allocate_ids(model, missing)
        elif count and model not in self.next:
            self.next[model] = allocate_ids(model, 1)[0]

    def take(self, model: type[Model], count: int) -> list[int]:
        if self.sequences:
            free = self.free[model]
            taken, free[:count] = free[:count], []
            return taken
        self._fresh()
        start = self.next[model] if count else 0
        self.next[model] = start + count
        return list(range(start, start + count))

    def _fresh(self) -> None:
        if self.stale:
            for model in self.next:
                self.next[model] = allocate_ids(model, 1)[0]
            self.stale = False


def _save_head(pk: int, seq: int, digest: str) -> None:
    AuditHead.objects.filter(pk=pk).update(seq=seq, hash=digest)


def _pk(obj: Any) -> int | None:
    return None if obj is None else obj.pk


# The tables an import fills, analysed once it is committed.
_FILLED = (Case, Petitioner, CasePetitioner, StatusPeriod, Responsibility, Responsibility.handlers.through,
           UnderlyingMatter, JudicialAid, Official, AuditEntry)
_CASE_COLUMNS = tuple(f.attname for f in Case._meta.concrete_fields if not f.primary_key)
_CASE_DEFAULTS = {f.attname: f.get_default() for f in Case._meta.concrete_fields if not f.primary_key}
_case_row = attrgetter(*_CASE_COLUMNS)
_PETITIONER_COLUMNS = ("name", "gender", "id_number", "id_number_digest", "phone", "phone_digest", "address",
                       "region_code", "group_size", "notes")
_petitioner_row = itemgetter(*_PETITIONER_COLUMNS)


@dataclass
class _Plan:
    case: _Plain = field(default_factory=_Plain)  # set by `_Writer._plan`
    petitioners: list[_Plain] = field(default_factory=list)
    new_petitioners: list[_Plain] = field(default_factory=list)
    dockets: list[str] = field(default_factory=list)
    periods: list[Any] = field(default_factory=list)
    responsibility: _Plain | None = None
    handlers: list[Official] = field(default_factory=list)
    aid: dict[str, Any] | None = None
    audit: list[tuple[str, Any, Any, Any]] = field(default_factory=list)


def _existing_cases(numbers: list[str]) -> dict[str, "_Plain"]:
    """The cases of these ledger numbers as plain values, with their docket numbers, responsibility (its
    handlers' keys) and total aid: what `_differences` compares, in five queries and no model instance."""
    if not numbers:
        return {}
    cases = {c["id"]: _Plain(pk=c["id"], dockets=set(), responsibility=None, aid_total=None, **c)
             for c in Case.objects.filter(ledger_no__in=numbers).values(*_EXISTING_FIELDS)}
    if not cases:
        return {}
    keys = list(cases)
    for case_id, docket in UnderlyingMatter.objects.filter(case_id__in=keys).values_list("case_id", "docket_number"):
        cases[case_id].dockets.add(docket)
    responsibilities = {}
    for r in Responsibility.objects.filter(case_id__in=keys).values(
            "id", "case_id", "lead_official_id", "supervising_official_id", "watch_officer_id", "plan", "deadline"):
        responsibilities[r["id"]] = cases[r["case_id"]].responsibility = _Plain(handlers=set(), **r)
    for responsibility_id, official_id in (Responsibility.handlers.through.objects
                                           .filter(responsibility_id__in=list(responsibilities))
                                           .values_list("responsibility_id", "official_id")):
        responsibilities[responsibility_id].handlers.add(official_id)
    for case_id, total in (JudicialAid.objects.filter(case_id__in=keys).values("case_id")
                           .annotate(total=Sum("amount")).values_list("case_id", "total")):
        cases[case_id].aid_total = total
    return {c.ledger_no: c for c in cases.values()}


_EXISTING_FIELDS = ("id", "ledger_no", "summary", "category_id", "stage", "first_petitioned_on", "source",
                    "assigned_on", "registered_on", "key_supervision", "handling_org_id", "deadline", "note",
                    "status", "settlement_method", "status_since", "closed_on", "version", *FLAG_COLUMNS)


def _assigned_on(v: dict[str, Any], case: Case | _Plain) -> dt.date:
    """From when a case is in progress: the day it was handed down, but not before its current status began
    (a case handed down before it was registered is in progress from its registration)."""
    return max(v["assigned_on"] or v["registered_on"] or case.registered_on, case.status_since)


def _status_differs(case: Case | _Plain, v: dict[str, Any]) -> bool:
    if v["status"] == OPEN:
        return case.status in CLOSED_STATUSES
    method = v["method"] if v["status"] == CaseStatus.CLOSED_SETTLED else ""
    return not (case.status == v["status"] and case.settlement_method == method)


class _Officials:
    """Officials by name in a unit or its superiors, loaded a batch at a time. The nearest unit wins; in a
    unit, the same title, else one without a title (or, when the row gives no title, any). An official not
    found is created in the handling unit: at once (`save=True`) or by the bulk path (`unsaved`)."""

    def __init__(self, ctx: _Context) -> None:
        self.ctx = ctx
        self.by_org_name: dict[tuple[int, str], list[Official]] = defaultdict(list)
        self.loaded: set[str] = set()
        self.unsaved: list[Official] = []
        self.chains: dict[int, list[int]] = {}
        self.found: dict[tuple[int, str, str], Official | None] = {}  # emptied whenever an official is added

    def load(self, rows: list[Row]) -> None:
        names = set()
        for row in rows:
            v = row.values
            for person in (v["lead_official"], v["supervising_official"], v["watch_officer"], *v["handlers"]):
                if person:
                    names.add(person[0])
        names -= self.loaded
        self.loaded |= names
        if names:
            for official in Official.objects.filter(name__in=names).order_by("pk"):
                self.by_org_name[(official.org_id, official.name)].append(official)

    def _chain(self, org: Org) -> list[int]:
        chain = self.chains.get(org.pk)
        if chain is None:
            chain = []
            current: Org | None = org
            while current is not None:
                chain.append(current.pk)
                current = self.ctx.orgs_by_pk.get(current.superior_id) if current.superior_id else None
            self.chains[org.pk] = chain
        return chain

    def find(self, org: Org, person: tuple[str, str]) -> Official | None:
        key = (org.pk, *person)
        if key not in self.found:
            self.found[key] = self._find(org, person)
        return self.found[key]

    def _find(self, org: Org, person: tuple[str, str]) -> Official | None:
        name, title = person
        for org_pk in self._chain(org):
            found = self.by_org_name.get((org_pk, name), [])
            exact = [o for o in found if o.title == title]
            if exact:
                return exact[0]
            blank = [o for o in found if not o.title]
            if blank:
                return blank[0]
            if found and not title:
                return found[0]
        return None

    @overload
    def get(self, org: Org, person: tuple[str, str], *, save: bool = False) -> Official: ...
    @overload
    def get(self, org: Org, person: None, *, save: bool = False) -> None: ...
    @overload
    def get(self, org: Org, person: tuple[str, str] | None, *, save: bool = False) -> Official | None: ...

    def get(self, org: Org, person: tuple[str, str] | None, *, save: bool = False) -> Official | None:
        if person is None:
            return None
        official = self.find(org, person)
        if official is None:
            official = Official(org=org, name=person[0], title=person[1])
            if save:
                official.save()
            else:
                self.unsaved.append(official)
            self.by_org_name[(org.pk, official.name)].append(official)
            self.found.clear()
        return official


def _case_fields(v: dict[str, Any]) -> dict[str, Any]:
    return {
        "summary": v["summary"], "category": v["category"], "stage": v["stage"],
        "first_petitioned_on": v["first_petitioned_on"], "source": v["source"], "assigned_on": v["assigned_on"],
        "key_supervision": v["key_supervision"], "deadline": v["deadline"], "note": v["note"],
        **{flag: v[flag] for flag in FLAG_COLUMNS},
    }


def _update(case: Case, row: Row, ctx: _Context, officials: _Officials, parts: set[str]) -> bool:
    """An existing case that differs from its row, changed through the services, part by part."""
    v = row.values
    changes = _changed_details(case, v) if "fields" in parts else {}
    dockets = v["dockets"] if "dockets" in parts else ()
    changed = bool(changes or dockets)
    if changed:
        case = case_update(actor=ctx.actor, case=case, expected_version=case.version, docket_numbers=dockets,
                           **changes)
    if "responsibility" in parts:
        changed |= _responsibility(case, row, ctx, officials)
    if "status" in parts:
        changed |= _status(case, row, ctx)
    if "aid" in parts:
        changed |= _aid(case, row, ctx)
    return changed


def _changed_details(case: Case, v: dict[str, Any]) -> dict[str, Any]:
    """The case's own details that differ from its row, as `case_update` takes them."""
    fields = _case_fields(v)
    category = fields.pop("category")  # compared by key: the case's category is not loaded
    changes = {k: value for k, value in fields.items() if getattr(case, k) != value}
    if _pk(category) != case.category_id:
        changes["category"] = category
    if v["handling_org"].pk != case.handling_org_id:
        changes["handling_org"] = v["handling_org"]
    if v["registered_on"] and v["registered_on"] != case.registered_on:
        changes["registered_on"] = v["registered_on"]
    return changes


def _responsibility(case: Case, row: Row, ctx: _Context, officials: _Officials) -> bool:
    v = row.values
    if v["lead_official"] is None:
        return False
    org = case.handling_org
    wanted = {
        "lead_official": officials.get(org, v["lead_official"], save=True),
        "supervising_official": officials.get(org, v["supervising_official"], save=True),
        "watch_officer": officials.get(org, v["watch_officer"], save=True), "plan": v["plan"],
        "deadline": v["deadline"],
    }
    handlers = [officials.get(org, h, save=True) for h in v["handlers"]]
    current = Responsibility.objects.filter(case=case).first()
    if current is not None and all(getattr(current, k) == value for k, value in wanted.items()) and \
            set(current.handlers.all()) == set(handlers):
        return False
    responsibility_assign(actor=ctx.actor, case=case, handlers=handlers, goal=current.goal if current else "",
                          head_of_unit=current.head_of_unit if current else None,
                          effective_on=_assigned_on(v, case), **wanted)
    case.refresh_from_db()
    return True


def _status(case: Case, row: Row, ctx: _Context) -> bool:
    v = row.values
    if not _status_differs(case, v):
        return False
    if v["status"] == OPEN:
        case_record_status(actor=ctx.actor, case=case, status=CaseStatus.IN_PROGRESS, source=RecordSource.IMPORT,
                           effective_on=max(ctx.today, case.status_since))
        return True
    method = v["method"] if v["status"] == CaseStatus.CLOSED_SETTLED else ""
    case_record_status(actor=ctx.actor, case=case, status=v["status"], method=method, source=RecordSource.IMPORT,
                       effective_on=max(v["closed_on"], case.status_since))
    return True


def _aid(case: Case, row: Row, ctx: _Context) -> bool:
    """The workbook gives the total aid; the difference to what is recorded is added."""
    wanted = row.values["aid"]
    if not wanted:
        return False
    recorded = case.aid.aggregate(total=Sum("amount"))["total"] or Decimal(0)
    if wanted <= recorded:
        return False
    aid_add(actor=ctx.actor, case=case, amount=wanted - recorded, payer="aid_fund",
            date=row.values["closed_on"] or row.values["registered_on"] or ctx.today,
            approval=_("Imported from a workbook"))
    return True

def problems_text(problems: ProblemList) -> list[str]:
    return [_("row %(row)s, %(column)s “%(value)s”: %(message)s") % p.as_dict() for p in problems]
