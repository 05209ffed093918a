"""Importing a ledger workbook (spec/ledger-template.md): every row is validated first and every
problem collected; only then is everything written, in one transaction, through the ledger's
services. Nothing is written unless every row is valid, also when the process is killed midway."""

from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import IO, Any

from django.db import transaction
from django.db.models import Q, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from qingji.audit.services import audit_log
from qingji.exchange.columns import COLUMNS, FLAG_COLUMNS, GENDERS, METHODS, OPEN, SOURCES, STAGES, STATUSES, lookup
from qingji.exchange.reviews import parse_reviews, review_sheet, write_reviews
from qingji.ledger.models import CLOSED_STATUSES, Case, CaseStatus, Category, Petitioner, RecordSource
from qingji.ledger.services import (
    aid_add,
    case_record_status,
    case_register,
    case_set_dockets,
    case_update,
    petitioner_create,
    responsibility_assign,
)
from qingji.lib.idnumbers import check_id_number, normalise_id_number
from qingji.lib.pii import digest
from qingji.lib.problems import InputRejected, ProblemList
from qingji.lib.tabular import read_table
from qingji.lib.values import (
    ValueProblem,
    cell_code,
    cell_text,
    parse_date,
    parse_flag,
    parse_money,
    parse_official,
    split_names,
)
from qingji.organisations.models import Official, Org
from qingji.organisations.selectors import visible_orgs

LABELS = {c.field: c.label for c in COLUMNS}
SOURCE_WORDS, STATUS_WORDS, METHOD_WORDS = lookup(SOURCES), lookup(STATUSES), lookup(METHODS)
STAGE_WORDS, GENDER_WORDS = lookup(STAGES), lookup(GENDERS)
PAST_DATES = ("first_petitioned_on", "assigned_on", "registered_on", "closed_on")


@dataclass
class Row:
    """One valid row, parsed."""

    number: int
    values: dict[str, Any] = field(default_factory=dict)


@dataclass
class ImportResult:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    ignored_columns: list[str] = field(default_factory=list)
    case_ids: list[int] = field(default_factory=list)


class _DryRun(Exception):  # noqa: N818 - control flow: undo a dry run's writes
    pass


def import_ledger(source: Path | IO[bytes], name: str, *, actor=None, sheet: str | None = None,  # type: ignore[no-untyped-def]
                  dry_run: bool = False) -> ImportResult:
    """Validate the whole workbook, then write it in one transaction (or, for a dry run, write
    and roll back, so that the counts are exactly what an import would do)."""
    table = read_table(source, name, COLUMNS, sheet=sheet, skip_fields=("seq",))
    problems = ProblemList()
    for label in table.missing:
        problems.add(table.header_row, label, "", _("This required column is missing."))
    if problems:
        raise InputRejected(problems)
    context = _Context(actor)
    rows = [row for number, values in table.rows if (row := _parse(number, values, context, problems))]
    _check_duplicates(rows, problems)
    reviews = _review_rows(source, name, rows, problems)
    if problems:
        raise InputRejected(problems)
    result = ImportResult(ignored_columns=table.ignored)
    try:
        with transaction.atomic():
            for row in rows:
                _write(row, context, result)
            write_reviews(reviews, actor)
            audit_log(actor=actor, action="import.ledger", object_type="workbook", object_repr=name[:200],
                      after={"created": result.created, "updated": result.updated, "unchanged": result.unchanged})
            if dry_run:
                raise _DryRun
    except _DryRun:
        result.case_ids = []
    return result


def _review_rows(source: Path | IO[bytes], name: str, rows: list[Row], problems: ProblemList) -> list[dict[str, Any]]:
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
    return parse_reviews(source, name, sheet, {r.values["ledger_no"] for r in rows}, problems)


class _Context:
    """What the parser looks things up in, loaded once per import."""

    def __init__(self, actor) -> None:  # type: ignore[no-untyped-def]
        self.actor = actor
        orgs = list(Org.objects.all())
        self.orgs = {o.code: o for o in orgs} | {o.name: o for o in orgs}
        self.scope = None if actor is None else set(visible_orgs(actor).values_list("pk", flat=True))
        self.categories = {c.name: c for c in Category.objects.all()}
        self.today = timezone.localdate()


def _problem(problems: ProblemList, number: int, column: str, value: Any, message: str) -> None:
    problems.add(number, LABELS.get(column, column), cell_text(value), message)


def _parse(number: int, raw: dict[str, Any], ctx: _Context, problems: ProblemList) -> Row | None:
    before = len(problems)
    row = Row(number)
    v = row.values
    v["ledger_no"] = cell_code(raw.get("ledger_no"))
    v["petitioners"] = split_names(raw.get("petitioner"))
    if not v["petitioners"]:
        _problem(problems, number, "petitioner", "", _("The petitioner's name is required."))
    v["summary"] = cell_text(raw.get("summary"))
    if not v["summary"]:
        _problem(problems, number, "summary", "", _("The petition matter is required."))
    _parse_id_number(row, raw.get("id_number"), problems)
    v["phone"] = cell_text(raw.get("phone"))
    v["address"] = cell_text(raw.get("address"))
    v["gender"] = GENDER_WORDS.get(cell_code(raw.get("gender")), "")
    v["group_size"] = _group_size(row, raw.get("group_size"), problems)
    _parse_vocabularies(row, raw, ctx, problems)
    _parse_dates(row, raw, ctx, problems)
    _parse_org(row, raw.get("handling_org"), ctx, problems)
    for column in ("lead_official", "supervising_official", "watch_officer"):
        text = cell_text(raw.get(column))
        v[column] = parse_official(text) if text else None
    v["handlers"] = [parse_official(n) for n in split_names(raw.get("handlers"))]
    v["plan"] = cell_text(raw.get("plan"))
    v["note"] = cell_text(raw.get("note"))
    v["dockets"] = split_names(raw.get("dockets"))
    v["key_supervision"] = "" if cell_text(raw.get("key_supervision")) in ("", "否", "无") else \
        cell_text(raw.get("key_supervision"))
    for flag in FLAG_COLUMNS:
        try:
            v[flag] = parse_flag(raw.get(flag))
        except ValueProblem as exc:
            _problem(problems, number, flag, raw.get(flag), str(exc))
    try:
        v["aid"] = parse_money(raw.get("aid"))
    except ValueProblem as exc:
        _problem(problems, number, "aid", raw.get("aid"), str(exc))
    _check_status(row, problems)
    return row if len(problems) == before else None


def _parse_id_number(row: Row, value: Any, problems: ProblemList) -> None:
    if isinstance(value, int | float) and not isinstance(value, bool):
        _problem(problems, row.number, "id_number", value, _(
            "The ID number is stored as a number, so Excel has already rounded its last digits. Format the "
            "column as text (设置单元格格式 → 文本) and enter the numbers again."))
        return
    text = normalise_id_number(cell_text(value))
    row.values["id_number"] = text
    if "*" in text:
        row.values["id_masked"] = True
        return
    errors, _warnings = check_id_number(text)
    for message in errors:
        _problem(problems, row.number, "id_number", text, message)


def _group_size(row: Row, value: Any, problems: ProblemList) -> int:
    text = cell_code(value)
    if not text:
        return 1
    if not text.isdigit() or int(text) < 1:
        _problem(problems, row.number, "group_size", text,
                 _("The number of petitioners is a whole number, at least 1."))
        return 1
    return int(text)


def _parse_vocabularies(row: Row, raw: dict[str, Any], ctx: _Context, problems: ProblemList) -> None:
    v = row.values
    source = cell_code(raw.get("source"))
    v["source"] = SOURCE_WORDS.get(source)
    if v["source"] is None:
        _problem(problems, row.number, "source", source, _("Unknown source; use one of: %(values)s.")
                 % {"values": "、".join(words[0] for words in SOURCES.values())})
    category = cell_text(raw.get("category"))
    v["category"] = ctx.categories.get(category) if category else None
    if category and v["category"] is None:
        _problem(problems, row.number, "category", category, _("Unknown category; use one of: %(values)s.")
                 % {"values": "、".join(ctx.categories)})
    stage = cell_code(raw.get("stage"))
    v["stage"] = STAGE_WORDS.get(stage, "")
    if stage and not v["stage"]:
        _problem(problems, row.number, "stage", stage,
                 _("Unknown stage; use 立案, 审判, 执行, 侦查, 检察, 司法行政 or 其他."))
    status = cell_code(raw.get("status"))
    v["status"] = STATUS_WORDS.get(status, OPEN if not status else None)
    if v["status"] is None:
        _problem(problems, row.number, "status", status, _("Unknown status; use 未结未息, 已结未息 or 已结已息."))
    method = cell_code(raw.get("method"))
    v["method"] = METHOD_WORDS.get(method, "")
    if method and not v["method"]:
        _problem(problems, row.number, "method", method,
                 _("Unknown method; use 书面保证息诉罢访, 批准终结 or 其他方式办结."))


def _parse_dates(row: Row, raw: dict[str, Any], ctx: _Context, problems: ProblemList) -> None:
    for column in (*PAST_DATES, "deadline"):
        try:
            row.values[column] = parse_date(raw.get(column))
        except ValueProblem as exc:
            _problem(problems, row.number, column, raw.get(column), str(exc))
            row.values[column] = None
            continue
        if column in PAST_DATES and row.values[column] and row.values[column] > ctx.today:
            _problem(problems, row.number, column, raw.get(column), _("This date is in the future."))


def _parse_org(row: Row, value: Any, ctx: _Context, problems: ProblemList) -> None:
    text = cell_code(value)
    org = ctx.orgs.get(text)
    row.values["handling_org"] = org
    if not text:
        _problem(problems, row.number, "handling_org", "", _("The handling unit is required."))
    elif org is None:
        _problem(problems, row.number, "handling_org", text,
                 _("Unknown unit: it is not in the organisation directory (by name or code)."))
    elif ctx.scope is not None and org.pk not in ctx.scope:
        _problem(problems, row.number, "handling_org", text, _("This unit is outside your scope."))


def _check_status(row: Row, problems: ProblemList) -> None:
    v = row.values
    if v.get("status") in CLOSED_STATUSES and not v.get("closed_on"):
        _problem(problems, row.number, "closed_on", "", _("A concluded case needs the date it was concluded."))
    if v.get("status") == CaseStatus.CLOSED_SETTLED and not v.get("method"):
        _problem(problems, row.number, "method", "", _("A settled case needs its settlement method."))


def _check_duplicates(rows: list[Row], problems: ProblemList) -> None:
    seen: dict[str, int] = {}
    for row in rows:
        number = row.values["ledger_no"]
        if number and number in seen:
            _problem(problems, row.number, "ledger_no", number,
                     _("The same ledger number is on row %(row)d.") % {"row": seen[number]})
        seen.setdefault(number, row.number)


# ---------------------------------------------------------------- writing

def _write(row: Row, ctx: _Context, result: ImportResult) -> None:
    v = row.values
    existing = Case.objects.filter(ledger_no=v["ledger_no"]).first() if v["ledger_no"] else None
    if existing is None:
        case = _create(row, ctx)
        result.created += 1
    else:
        case = existing
        if _update(case, row, ctx):
            result.updated += 1
        else:
            result.unchanged += 1
    result.case_ids.append(case.pk)


def _petitioners(row: Row, ctx: _Context) -> list[Petitioner]:
    v = row.values
    people = []
    for index, name in enumerate(v["petitioners"]):
        id_number = v["id_number"] if index == 0 and not v.get("id_masked") else ""
        match = Petitioner.objects.filter(id_number_digest=digest(id_number)).first() if id_number else None
        people.append(match or petitioner_create(
            actor=ctx.actor, name=name, gender=v["gender"] if index == 0 else "", id_number=id_number,
            phone=v["phone"] if index == 0 and "*" not in v["phone"] else "",
            address=v["address"] if index == 0 else "", group_size=v["group_size"] if index == 0 else 1))
    return people


def _case_fields(v: dict[str, Any]) -> dict[str, Any]:
    return {
        "summary": v["summary"], "category": v["category"], "stage": v["stage"],
        "first_petitioned_on": v["first_petitioned_on"], "source": v["source"], "assigned_on": v["assigned_on"],
        "key_supervision": v["key_supervision"], "deadline": v["deadline"], "note": v["note"],
        **{flag: v[flag] for flag in FLAG_COLUMNS},
    }


def _create(row: Row, ctx: _Context) -> Case:
    v = row.values
    fields = _case_fields(v)
    flags = [flag for flag in FLAG_COLUMNS if fields.pop(flag)]
    case = case_register(
        actor=ctx.actor, handling_org=v["handling_org"], petitioners=_petitioners(row, ctx), ledger_no=v["ledger_no"],
        registered_on=v["registered_on"] or v["assigned_on"] or ctx.today, flags=flags,
        docket_numbers=v["dockets"], record_source=RecordSource.IMPORT, **fields,
    )
    _responsibility(case, row, ctx)
    _status(case, row, ctx)
    _aid(case, row, ctx)
    return case


def _update(case: Case, row: Row, ctx: _Context) -> bool:
    v = row.values
    changes = {k: value for k, value in _case_fields(v).items() if getattr(case, k) != value}
    if v["handling_org"].pk != case.handling_org_id:
        changes["handling_org"] = v["handling_org"]
    if v["registered_on"] and v["registered_on"] != case.registered_on:
        changes["registered_on"] = v["registered_on"]
    changed = bool(changes)
    if changes:
        case = case_update(actor=ctx.actor, case=case, expected_version=case.version, **changes)
    new_dockets = set(v["dockets"]) - set(case.matters.values_list("docket_number", flat=True))
    if new_dockets:
        case_set_dockets(actor=ctx.actor, case=case, docket_numbers=v["dockets"])
        changed = True
    changed |= _responsibility(case, row, ctx)
    changed |= _status(case, row, ctx)
    changed |= _aid(case, row, ctx)
    return changed


def _official(case: Case, person: tuple[str, str] | None) -> Official | None:
    """An official of the handling unit or one of its superiors, created in the unit when unknown."""
    if person is None:
        return None
    name, title = person
    chain, org = [], case.handling_org
    while org is not None:
        chain.append(org.pk)
        org = org.superior
    found = Official.objects.filter(org_id__in=chain, name=name)
    if title:
        found = found.filter(Q(title=title) | Q(title=""))
    return found.order_by("-title").first() or Official.objects.create(org=case.handling_org, name=name, title=title)


def _responsibility(case: Case, row: Row, ctx: _Context) -> bool:
    v = row.values
    if v["lead_official"] is None:
        return False
    wanted = {
        "lead_official": _official(case, v["lead_official"]),
        "supervising_official": _official(case, v["supervising_official"]),
        "watch_officer": _official(case, v["watch_officer"]), "plan": v["plan"], "deadline": v["deadline"],
    }
    handlers = [_official(case, h) for h in v["handlers"]]
    current = getattr(case, "responsibility", None) if hasattr(case, "responsibility") else None
    if current is not None and all(getattr(current, k) == value for k, value in wanted.items()) and \
            set(current.handlers.all()) == set(handlers):
        return False
    responsibility_assign(actor=ctx.actor, case=case, handlers=handlers, goal=current.goal if current else "",
                          head_of_unit=current.head_of_unit if current else None,
                          effective_on=v["assigned_on"] or v["registered_on"] or case.registered_on, **wanted)
    case.refresh_from_db()
    return True


def _status(case: Case, row: Row, ctx: _Context) -> bool:
    v = row.values
    if v["status"] == OPEN:
        if case.status in CLOSED_STATUSES:
            case_record_status(actor=ctx.actor, case=case, status=CaseStatus.IN_PROGRESS, source=RecordSource.IMPORT,
                               effective_on=max(ctx.today, case.status_since))
            return True
        return False
    method = v["method"] if v["status"] == CaseStatus.CLOSED_SETTLED else ""
    if case.status == v["status"] and case.settlement_method == method:
        return False
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
