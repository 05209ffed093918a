"""Writes to the ledger: registration, responsibility, status transitions, work, aid, attachments.

Every status change goes through `case_transition` or `case_record_status`, which keep the
status periods (the history reports are computed from) and write the audit log.
"""

import datetime as dt
import hashlib
import uuid
from collections.abc import Callable, Iterable, Sequence
from decimal import Decimal
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from qingji.accounts.roles import has_capability
from qingji.audit.services import audit_log
from qingji.ledger.models import (
    CLOSED_STATUSES,
    Attachment,
    Case,
    CasePetitioner,
    CaseStatus,
    Category,
    JudicialAid,
    Petitioner,
    RecordSource,
    Responsibility,
    SettlementMethod,
    StatusPeriod,
    UnderlyingMatter,
    WorkLogEntry,
)
from qingji.lib.idnumbers import check_id_number, check_phone, normalise_id_number, normalise_phone
from qingji.lib.pii import digest
from qingji.lib.uploads import check_upload
from qingji.organisations.models import Official, Org
from qingji.organisations.selectors import visible_orgs

# The state machine of DESIGN.md "The flow of a case": (from, to) pairs.
TRANSITIONS: frozenset[tuple[str, str]] = frozenset({
    (CaseStatus.REGISTERED, CaseStatus.IN_PROGRESS),
    (CaseStatus.IN_PROGRESS, CaseStatus.CLOSURE_REQUESTED),
    (CaseStatus.CLOSURE_REQUESTED, CaseStatus.IN_PROGRESS),
    (CaseStatus.CLOSURE_REQUESTED, CaseStatus.CLOSED_SETTLED),
    (CaseStatus.CLOSURE_REQUESTED, CaseStatus.CLOSED_UNSETTLED),
    # Termination: the approved proposal closes the case whatever stage it was at.
    (CaseStatus.REGISTERED, CaseStatus.CLOSED_SETTLED),
    (CaseStatus.IN_PROGRESS, CaseStatus.CLOSED_SETTLED),
    # …or closes it unsettled where termination does not count as settled (configuration).
    (CaseStatus.REGISTERED, CaseStatus.CLOSED_UNSETTLED),
    (CaseStatus.IN_PROGRESS, CaseStatus.CLOSED_UNSETTLED),
    # Reopening (重新上访), and a petitioner who stops after an unsettled closure.
    (CaseStatus.CLOSED_SETTLED, CaseStatus.IN_PROGRESS),
    (CaseStatus.CLOSED_UNSETTLED, CaseStatus.IN_PROGRESS),
    (CaseStatus.CLOSED_UNSETTLED, CaseStatus.CLOSED_SETTLED),
})


class StaleCase(Exception):  # noqa: N818 - a user-facing outcome
    """The case changed since the user loaded it; `current` is the stored version."""

    def __init__(self, current: Case, changed: dict[str, tuple[Any, Any]]):
        super().__init__("stale case")
        self.current = current
        self.changed = changed


def require(actor, capability: str, org: Org | None = None) -> None:  # type: ignore[no-untyped-def]
    """Role and scope check for services; `actor=None` is the system (imports, demo, commands)."""
    if actor is None:
        return
    if not has_capability(actor, capability):
        raise PermissionDenied(_("Your role does not allow this."))
    if org is not None and not visible_orgs(actor).filter(pk=org.pk).exists():
        raise PermissionDenied(_("This unit is outside your scope."))


# ---------------------------------------------------------------- petitioners

def petitioner_validate(*, name: str, id_number: str = "", phone: str = "", group_size: int = 1) -> list[str]:
    """Warnings (e.g. a retired area code); raises ValidationError with every error."""
    errors: dict[str, list[str]] = {}
    if not name.strip():
        errors["name"] = [_("The petitioner's name is required.")]
    id_errors, warnings = check_id_number(normalise_id_number(id_number))
    if id_errors:
        errors["id_number"] = id_errors
    phone_errors = check_phone(normalise_phone(phone))
    if phone_errors:
        errors["phone"] = phone_errors
    if group_size < 1:
        errors["group_size"] = [_("The number of petitioners is at least 1.")]
    if errors:
        raise ValidationError(errors)
    return warnings


def petitioner_build(
    *, name: str, gender: str = "", id_number: str = "", phone: str = "", address: str = "",
    region_code: str = "", group_size: int = 1, notes: str = "", checked: bool = False,
) -> Petitioner:
    """A validated, normalised petitioner, not yet saved (`petitioner_create`, bulk imports). `checked`:
    the caller has already checked the values as `petitioner_validate` does (an importer, to report
    every problem of every row)."""
    return Petitioner(**petitioner_values(name=name, gender=gender, id_number=id_number, phone=phone,
                                          address=address, region_code=region_code, group_size=group_size,
                                          notes=notes, checked=checked))


def petitioner_values(
    *, name: str, gender: str = "", id_number: str = "", phone: str = "", address: str = "",
    region_code: str = "", group_size: int = 1, notes: str = "", checked: bool = False,
) -> dict[str, Any]:
    """What `petitioner_build` makes, as field values (bulk imports write them as plain rows)."""
    if not checked:
        petitioner_validate(name=name, id_number=id_number, phone=phone, group_size=group_size)
    id_number, phone = normalise_id_number(id_number), normalise_phone(phone)
    return {
        "name": name.strip(), "gender": gender, "id_number": id_number, "id_number_digest": digest(id_number),
        "phone": phone, "phone_digest": digest(phone), "address": address, "region_code": region_code or id_number[:6],
        "group_size": group_size, "notes": notes,
    }


def petitioner_created_audit(petitioner: Petitioner) -> dict[str, Any]:
    """The audit entry's `after` for a new petitioner."""
    return {"name": petitioner.name, "id_number_digest": petitioner.id_number_digest[:12]}


@transaction.atomic
def petitioner_create(
    *, actor, name: str, gender: str = "", id_number: str = "", phone: str = "",  # type: ignore[no-untyped-def]
    address: str = "", region_code: str = "", group_size: int = 1, notes: str = "",
) -> Petitioner:
    petitioner = petitioner_build(name=name, gender=gender, id_number=id_number, phone=phone, address=address,
                                  region_code=region_code, group_size=group_size, notes=notes)
    petitioner.save()
    audit_log(actor=actor, action="petitioner.create", obj=petitioner, after=petitioner_created_audit(petitioner))
    return petitioner


@transaction.atomic
def petitioner_update(*, actor, petitioner: Petitioner, **changes: Any) -> Petitioner:  # type: ignore[no-untyped-def]
    merged = {f: changes.get(f, getattr(petitioner, f)) for f in ("name", "id_number", "phone", "group_size")}
    petitioner_validate(**merged)
    before = {f: str(getattr(petitioner, f)) for f in changes if f not in ("id_number", "phone")}
    for field, value in changes.items():
        if field == "id_number":
            value = normalise_id_number(value)
            petitioner.id_number_digest = digest(value)
        elif field == "phone":
            value = normalise_phone(value)
            petitioner.phone_digest = digest(value)
        setattr(petitioner, field, value)
    petitioner.save()
    after = {f: str(getattr(petitioner, f)) for f in changes if f not in ("id_number", "phone")}
    audit_log(actor=actor, action="petitioner.update", obj=petitioner, before=before, after=after)
    for case in petitioner.cases.all():
        _refresh_search_text(case)
    return petitioner


def petitioner_similar(*, id_number: str = "", name: str = "", phone: str = "") -> list[Petitioner]:
    """Existing petitioners that may be the same person (possible 多头信访): same ID number,
    or same name and phone."""
    found: list[Petitioner] = []
    if id_number:
        found += Petitioner.objects.filter(id_number_digest=digest(normalise_id_number(id_number)))
    if name and phone:
        found += Petitioner.objects.filter(name=name.strip(), phone_digest=digest(normalise_phone(phone)))
    return list({p.pk: p for p in found}.values())


# ---------------------------------------------------------------- cases

def ledger_no_prefix(org: Org, year: int) -> str:
    return f"{org.code}-{year}-"


def last_ledger_seq(prefix: str) -> int:
    """The highest sequence number in use after `prefix` (0 when none)."""
    taken = Case.objects.filter(ledger_no__startswith=prefix).values_list("ledger_no", flat=True)
    return max((int(n[len(prefix):]) for n in taken if n[len(prefix):].isdigit()), default=0)


def format_ledger_no(prefix: str, seq: int) -> str:
    return f"{prefix}{seq:04d}"


def next_ledger_no(org: Org, year: int) -> str:
    """`{unit code}-{year}-{seq}`, the next free sequence number for the unit and year."""
    prefix = ledger_no_prefix(org, year)
    return format_ledger_no(prefix, last_ledger_seq(prefix) + 1)


def search_text_of(names: Sequence[str], summary: str, dockets: Sequence[str]) -> str:
    """What text search looks in: petitioner names, the petition matter, docket numbers."""
    return "\n".join([" ".join(names), summary, " ".join(dockets)])


def _search_text(case: Case) -> str:
    names = CasePetitioner.objects.filter(case=case).order_by("position").values_list("petitioner__name", flat=True)
    return search_text_of(list(names), case.summary, list(case.matters.values_list("docket_number", flat=True)))


def _refresh_search_text(case: Case) -> None:
    text = _search_text(case)
    if text != case.search_text:
        Case.objects.filter(pk=case.pk).update(search_text=text)
        case.search_text = text


def _check_not_future(value: dt.date | None, label: str, today: dt.date | None = None) -> None:
    if value and value > (today or timezone.localdate()):
        raise ValidationError({label: _("This date is in the future.")})


CASE_FIELDS = (
    "ledger_no", "summary", "category_id", "stage", "first_petitioned_on", "source", "assigned_on",
    "registered_on", "key_supervision", "handling_org_id", "deadline", "note", *Case.FLAGS,
)


def case_snapshot(case: Case) -> dict[str, Any]:
    """A case's details as the audit log records them."""
    return {f: getattr(case, f) for f in CASE_FIELDS}


_snapshot = case_snapshot


@transaction.atomic
def case_register(
    *, actor, handling_org: Org, summary: str, source: str,  # type: ignore[no-untyped-def]
    petitioners: Sequence[Petitioner], registered_on: dt.date | None = None, ledger_no: str = "",
    category: Category | None = None, stage: str = "", first_petitioned_on: dt.date | None = None,
    assigned_on: dt.date | None = None, key_supervision: str = "", flags: Iterable[str] = (),
    deadline: dt.date | None = None, note: str = "", docket_numbers: Sequence[str] = (),
    record_source: str = RecordSource.SERVICE,
) -> Case:
    """Enter a case into the ledger (建档), status REGISTERED from `registered_on`."""
    require(actor, "case.register", handling_org)
    registered_on = registered_on or assigned_on or timezone.localdate()
    ledger_no = ledger_no.strip() or next_ledger_no(handling_org, registered_on.year)
    case = case_build(
        actor=actor, handling_org=handling_org, summary=summary, source=source, petitioners=petitioners,
        registered_on=registered_on, ledger_no=ledger_no, category=category, stage=stage,
        first_petitioned_on=first_petitioned_on, assigned_on=assigned_on, key_supervision=key_supervision,
        flags=flags, deadline=deadline, note=note,
    )
    if Case.objects.filter(ledger_no=ledger_no).exists():
        raise ValidationError({"ledger_no": _("The ledger number %(no)s is already in use.") % {"no": ledger_no}})
    try:
        with transaction.atomic():
            case.save()
    except IntegrityError:
        raise ValidationError({"ledger_no": _("The ledger number %(no)s is already in use.") % {"no": ledger_no}})
    links, matters, period = case_registration_rows(case, petitioners, docket_numbers, record_source, actor)
    CasePetitioner.objects.bulk_create(links)
    UnderlyingMatter.objects.bulk_create(matters)
    period.save()
    Case.objects.filter(pk=case.pk).update(search_text=case.search_text)
    audit_log(actor=actor, action="case.register", obj=case, after=case_snapshot(case))
    return case


def case_build(
    *, actor, handling_org: Org, summary: str, source: str,  # type: ignore[no-untyped-def]
    petitioners: Sequence[Petitioner], registered_on: dt.date, ledger_no: str,
    category: Category | None = None, stage: str = "", first_petitioned_on: dt.date | None = None,
    assigned_on: dt.date | None = None, key_supervision: str = "", flags: Iterable[str] = (),
    deadline: dt.date | None = None, note: str = "",
) -> Case:
    """The checks of a registration and the case it makes, not yet saved (`case_register`; the caller makes
    sure the ledger number is free)."""
    return Case(**case_values(
        actor=actor, handling_org=handling_org, summary=summary, source=source, petitioners=petitioners,
        registered_on=registered_on, ledger_no=ledger_no, category=category, stage=stage,
        first_petitioned_on=first_petitioned_on, assigned_on=assigned_on, key_supervision=key_supervision,
        flags=flags, deadline=deadline, note=note))


def case_values(
    *, actor, handling_org: Org, summary: str, source: str,  # type: ignore[no-untyped-def]
    petitioners: Sequence[Any], registered_on: dt.date, ledger_no: str,
    category: Category | None = None, stage: str = "", first_petitioned_on: dt.date | None = None,
    assigned_on: dt.date | None = None, key_supervision: str = "", flags: Iterable[str] = (),
    deadline: dt.date | None = None, note: str = "", today: dt.date | None = None,
) -> dict[str, Any]:
    """`case_build`'s checks and the new case's field values (bulk imports write them as plain rows;
    `today` saves looking the date up for every row)."""
    today = today or timezone.localdate()
    for value, label in ((registered_on, "registered_on"), (assigned_on, "assigned_on"),
                         (first_petitioned_on, "first_petitioned_on")):
        _check_not_future(value, label, today)
    if not petitioners:
        raise ValidationError({"petitioners": _("A case has at least one petitioner.")})
    if not summary.strip():
        raise ValidationError({"summary": _("The petition matter is required.")})
    unknown_flags = set(flags) - set(Case.FLAGS)
    if unknown_flags:
        raise ValueError(f"unknown flags {unknown_flags}")
    return {
        "ledger_no": ledger_no, "summary": summary.strip(), "category": category, "stage": stage,
        "first_petitioned_on": first_petitioned_on, "source": source, "assigned_on": assigned_on,
        "registered_on": registered_on, "key_supervision": key_supervision, "handling_org": handling_org,
        "deadline": deadline, "note": note, "status": CaseStatus.REGISTERED, "status_since": registered_on,
        "created_by": actor, **{flag: True for flag in flags},
    }


def case_registration_rows(
    case: Case, petitioners: Sequence[Petitioner], docket_numbers: Sequence[str], record_source: str,
    actor,  # type: ignore[no-untyped-def]
) -> tuple[list[CasePetitioner], list[UnderlyingMatter], StatusPeriod]:
    """The rows a registration adds beside the (saved) case: petitioner links, underlying matters and the
    first status period. Also sets the case's search text (the caller saves it)."""
    links = [CasePetitioner(case=case, petitioner=p, position=i) for i, p in enumerate(petitioners)]
    dockets, period = case_registration_values(case, [p.name for p in petitioners], docket_numbers,
                                               record_source, actor)
    matters = [UnderlyingMatter(case=case, docket_number=d) for d in dockets]
    return links, matters, period


def case_registration_values(
    case: Any, names: Sequence[str], docket_numbers: Sequence[str], record_source: str,
    actor, make_period: Callable[..., Any] = StatusPeriod,  # type: ignore[no-untyped-def]
) -> tuple[list[str], Any]:
    """`case_registration_rows` for bulk writers: the docket numbers (each once, in order) and the first
    status period (made by `make_period`); sets the case's search text. Links go in the petitioners' order."""
    dockets = [d for d in dict.fromkeys(docket_numbers) if d]
    period = make_period(case=case, status=CaseStatus.REGISTERED, valid_from=case.registered_on,
                         source=record_source, recorded_by=actor)
    case.search_text = search_text_of(names, case.summary, dockets)
    return dockets, period


@transaction.atomic
def case_update(*, actor, case: Case, expected_version: int, **changes: Any) -> Case:  # type: ignore[no-untyped-def]
    """Edit a case's details with optimistic locking: a stale version is refused with what changed."""
    require(actor, "case.edit", case.handling_org)
    if "handling_org" in changes:
        require(actor, "case.edit", changes["handling_org"])
    for label in ("registered_on", "assigned_on", "first_petitioned_on"):
        _check_not_future(changes.get(label), label)
    current = Case.objects.select_for_update().get(pk=case.pk)
    if current.version != expected_version:
        changed = {f: (getattr(case, f), getattr(current, f)) for f in CASE_FIELDS
                   if getattr(case, f) != getattr(current, f)}
        raise StaleCase(current, changed)
    before = _snapshot(current)
    for field, value in changes.items():
        setattr(current, field, value)
    after = _snapshot(current)
    if after == before:
        return current
    current.version = expected_version + 1  # the row is locked, at the expected version
    current.save(update_fields=[*changes, "version", "updated_at"])
    if "summary" in changes:  # the only detail that text search looks in
        _refresh_search_text(current)
    diff_before = {k: v for k, v in before.items() if after[k] != v}
    audit_log(actor=actor, action="case.update", obj=current, before=diff_before,
              after={k: after[k] for k in diff_before})
    return current


def case_set_petitioners(*, actor, case: Case, petitioners: Sequence[Petitioner]) -> None:  # type: ignore[no-untyped-def]
    require(actor, "case.edit", case.handling_org)
    before = list(case.petitioners.values_list("pk", flat=True))
    CasePetitioner.objects.filter(case=case).delete()
    CasePetitioner.objects.bulk_create(
        CasePetitioner(case=case, petitioner=p, position=i) for i, p in enumerate(petitioners)
    )
    _refresh_search_text(case)
    audit_log(actor=actor, action="case.petitioners", obj=case, before=before, after=[p.pk for p in petitioners])


def case_set_dockets(*, actor, case: Case, docket_numbers: Sequence[str]) -> None:  # type: ignore[no-untyped-def]
    """Add underlying matters for new docket numbers (existing ones keep their reviews)."""
    require(actor, "case.edit", case.handling_org)
    existing = set(case.matters.values_list("docket_number", flat=True))
    new = [d for d in dict.fromkeys(docket_numbers) if d and d not in existing]
    UnderlyingMatter.objects.bulk_create(UnderlyingMatter(case=case, docket_number=d) for d in new)
    if new:
        _refresh_search_text(case)
        audit_log(actor=actor, action="case.dockets", obj=case, after=new)


# ---------------------------------------------------------------- status history

def _open_period(case: Case) -> StatusPeriod | None:
    return StatusPeriod.objects.filter(case=case, valid_to__isnull=True).first()


def _apply_status(
    *, actor, case: Case, status: str, method: str, effective_on: dt.date,  # type: ignore[no-untyped-def]
    source: str, note: str, action: str,
) -> Case:
    current = _open_period(case)
    period, before, after = status_change(case, current, status=status, method=method, effective_on=effective_on,
                                          source=source, note=note, actor=actor)
    if current is not None:
        current.save(update_fields=["valid_to"])
    period.save()
    Case.objects.filter(pk=case.pk).update(
        status=case.status, settlement_method=case.settlement_method, status_since=effective_on,
        closed_on=case.closed_on, version=F("version") + 1, updated_at=timezone.now(),
    )
    case.version += 1
    audit_log(actor=actor, action=action, obj=case, before=before, after=after)
    return case


_METHODS = frozenset(SettlementMethod.values)  # (the enum's .values builds a new list each time)


def status_change(
    case: Case, current: StatusPeriod | None, *, status: str, method: str,  # type: ignore[no-untyped-def]
    effective_on: dt.date, source: str, note: str, actor, today: dt.date | None = None,
    make_period: Callable[..., Any] = StatusPeriod,
) -> tuple[StatusPeriod, dict[str, Any], dict[str, Any]]:
    """A status change in memory: checks it, ends the `current` open period, sets the case's status fields
    and returns the new period with the audit entry's before and after. Saving is the caller's
    (`_apply_status` one case at a time, bulk imports many, which pass plain objects for the case and
    the periods, and `make_period` to make them)."""
    if status == CaseStatus.CLOSED_SETTLED and method not in _METHODS:
        raise ValidationError(_("A settled case needs its settlement method."))
    if status != CaseStatus.CLOSED_SETTLED and status != CaseStatus.CLOSED_UNSETTLED:
        method = ""
    _check_not_future(effective_on, "effective_on", today)
    if current is not None:
        if effective_on < current.valid_from:
            raise ValidationError(
                _("The effective date %(date)s is before the current status began (%(since)s).")
                % {"date": effective_on, "since": current.valid_from}
            )
        current.valid_to = effective_on
    period = make_period(case=case, status=status, method=method, valid_from=effective_on, source=source,
                          note=note, recorded_by=actor)
    before = {"status": case.status, "settlement_method": case.settlement_method}
    case.status, case.settlement_method, case.status_since = status, method, effective_on
    case.closed_on = effective_on if status in CLOSED_STATUSES else None
    after = {"status": status, "settlement_method": method, "effective_on": effective_on, "note": note}
    return period, before, after


@transaction.atomic
def case_transition(
    *, actor, case: Case, to_status: str, effective_on: dt.date | None = None,  # type: ignore[no-untyped-def]
    method: str = "", note: str = "", expected_status: str | None = None, action: str = "case.transition",
) -> Case:
    """Move a case along the state machine. `expected_status` guards against a concurrent change:
    the case row is locked and its stored status must still be the one the caller saw."""
    locked = Case.objects.select_for_update().get(pk=case.pk)
    if expected_status is not None and locked.status != expected_status:
        raise ValidationError(_("This case has changed meanwhile (it is now “%(status)s”); reload and try again.")
                              % {"status": locked.get_status_display()})
    if (locked.status, to_status) not in TRANSITIONS:
        raise ValidationError(_("A case that is “%(from)s” cannot become “%(to)s”.")
                              % {"from": locked.get_status_display(), "to": CaseStatus(to_status).label})
    return _apply_status(actor=actor, case=locked, status=to_status, method=method,
                         effective_on=effective_on or timezone.localdate(), source=RecordSource.SERVICE,
                         note=note, action=action)


@transaction.atomic
def case_record_status(
    *, actor, case: Case, status: str, effective_on: dt.date, method: str = "",  # type: ignore[no-untyped-def]
    source: str = RecordSource.FOUND, note: str = "",
) -> Case:
    """Record a status as found (history from a workbook or the screening), outside the workflow."""
    locked = Case.objects.select_for_update().get(pk=case.pk)
    if locked.status == status and locked.settlement_method == (method if status in CLOSED_STATUSES else ""):
        return locked
    return _apply_status(actor=actor, case=locked, status=status, method=method, effective_on=effective_on,
                         source=source, note=note, action="case.record_status")


# ---------------------------------------------------------------- responsibility and work

@transaction.atomic
def responsibility_assign(
    *, actor, case: Case, lead_official: Official | None, plan: str = "",  # type: ignore[no-untyped-def]
    deadline: dt.date | None = None, goal: str = "", supervising_official: Official | None = None,
    handlers: Sequence[Official] = (), watch_officer: Official | None = None,
    head_of_unit: Official | None = None, effective_on: dt.date | None = None,
) -> Responsibility:
    """领导包案 / 五定一包: name the lead official, the plan, the deadline and the goal. A registered
    case goes into progress from `effective_on`."""
    require(actor, "case.assign", case.handling_org)
    if lead_official is None:
        raise ValidationError({"lead_official": _("A lead official must answer for the case.")})
    responsibility, _created = Responsibility.objects.get_or_create(case=case)
    before = responsibility_snapshot(responsibility)
    for field, value in (("lead_official", lead_official), ("supervising_official", supervising_official),
                         ("watch_officer", watch_officer), ("head_of_unit", head_of_unit), ("plan", plan),
                         ("deadline", deadline), ("goal", goal)):
        setattr(responsibility, field, value)
    responsibility.save()
    responsibility.handlers.set(handlers)
    if case.deadline != deadline:
        Case.objects.filter(pk=case.pk).update(deadline=deadline)
        case.deadline = deadline
    audit_log(actor=actor, action="case.assign", obj=case, before=before,
              after=responsibility_snapshot(responsibility))
    if case.status == CaseStatus.REGISTERED:
        case_transition(actor=actor, case=case, to_status=CaseStatus.IN_PROGRESS,
                        effective_on=effective_on or timezone.localdate(), action="case.assign_status")
        case.refresh_from_db()
    return responsibility


def responsibility_snapshot(r: Responsibility, handlers: Sequence[Official] | None = None) -> dict[str, Any]:
    """A responsibility as the audit log records it; `handlers` in their stored order (by unit, then
    name) when they are not saved yet."""
    if handlers is None:
        handlers = list(r.handlers.all()) if r.pk else []
    return {
        "lead_official": str(r.lead_official or ""), "supervising_official": str(r.supervising_official or ""),
        "handlers": [str(h) for h in handlers],
        "watch_officer": str(r.watch_officer or ""), "head_of_unit": str(r.head_of_unit or ""),
        "plan": r.plan, "deadline": r.deadline, "goal": r.goal,
    }


@transaction.atomic
def work_log_add(
    *, actor, case: Case, kind: str, date: dt.date, content: str,  # type: ignore[no-untyped-def]
    participants: str = "",
) -> WorkLogEntry:
    require(actor, "case.record_work", case.handling_org)
    _check_not_future(date, "date")
    if not content.strip():
        raise ValidationError({"content": _("Describe what was done.")})
    entry = WorkLogEntry.objects.create(case=case, kind=kind, date=date, participants=participants,
                                        content=content.strip(), recorded_by=actor)
    audit_log(actor=actor, action="case.work_log", obj=case,
              after={"kind": kind, "date": date, "participants": participants, "content": entry.content})
    return entry


@transaction.atomic
def aid_add(
    *, actor, case: Case, amount: Decimal, date: dt.date, payer: str,  # type: ignore[no-untyped-def]
    approval: str = "",
) -> JudicialAid:
    require(actor, "case.record_work", case.handling_org)
    _check_not_future(date, "date")
    if amount <= 0:
        raise ValidationError({"amount": _("The amount must be more than zero.")})
    aid = JudicialAid.objects.create(case=case, amount=amount, date=date, payer=payer, approval=approval,
                                     recorded_by=actor)
    audit_log(actor=actor, action="case.aid", obj=case,
              after={"amount": amount, "date": date, "payer": payer, "approval": approval})
    return aid


@transaction.atomic
def attachment_add(
    *, actor, case: Case, uploaded, kind: str, work_log: WorkLogEntry | None = None,  # type: ignore[no-untyped-def]
) -> Attachment:
    """Store an uploaded file under a random name, after checking its size and real type."""
    require(actor, "case.record_work", case.handling_org)
    checked = check_upload(uploaded)
    data = uploaded.read()
    attachment = Attachment(
        case=case, work_log=work_log, kind=kind, original_name=uploaded.name[:255],
        content_type=checked.content_type, size=len(data), sha256=hashlib.sha256(data).hexdigest(),
        uploaded_by=actor,
    )
    attachment.file.save(f"{uuid.uuid4().hex}{checked.extension}", ContentFile(data), save=False)
    attachment.save()
    audit_log(actor=actor, action="case.attachment", obj=case,
              after={"file": attachment.original_name, "kind": kind, "sha256": attachment.sha256})
    return attachment
