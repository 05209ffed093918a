"""Status history: every status change goes through `case_transition` (the workflow's state machine) or
`case_record_status` (a status as found), which keep the status periods the reports are computed from and
write the audit log. The rule of a change is `status_change` (in memory) and its writing
`case_changes_write`, which the importer's batched edits use too."""

import datetime as dt
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol

from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from qingji.accounts.models import User
from qingji.audit.services import audit_log
from qingji.ledger.models import CLOSED_STATUSES, Case, CaseStatus, RecordSource, SettlementMethod, StatusPeriod
from qingji.ledger.services.checks import check_not_future
from qingji.lib.bulk import insert_values

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


def _open_period(case: Case) -> StatusPeriod | None:
    return StatusPeriod.objects.filter(case=case, valid_to__isnull=True).first()


def _apply_status(
    *, actor: User | None, case: Case, status: str, method: str, effective_on: dt.date,
    source: str, note: str, action: str,
) -> Case:
    """One status change of a case whose row is locked: planned by `status_change`, written by
    `case_changes_write` (a list of one), with its audit entry."""
    period, before, after = status_change(case, _open_period(case), status=status, method=method,
                                          effective_on=effective_on, source=source, note=note, actor=actor)
    now = timezone.now()
    if case_changes_write([CaseChange(case.pk, case.version, period=period)], recorded_by_id=_pk(actor), now=now):
        raise RuntimeError(f"case {case.pk} changed while its row was locked")
    case.version += 1
    case.updated_at = now
    audit_log(actor=actor, action=action, obj=case, before=before, after=after)
    return case


def _pk(obj: Any) -> Any:
    return getattr(obj, "pk", None)


@dataclass
class CaseChange:
    """A planned change of a case's row, as `case_changes_write` writes it: found at `version` (the one it was
    planned at), moved on `steps` versions (one a change the audit log records), its `columns` (by field
    attname) set, and, when `period` is given (`status_change`'s), the status it begins."""

    case_id: int
    version: int
    steps: int = 1
    columns: dict[str, Any] = field(default_factory=dict)
    period: Any = None


STATUS_COLUMNS = frozenset({"status", "settlement_method", "status_since", "closed_on"})


def status_columns(status: str, method: str, effective_on: dt.date) -> dict[str, Any]:
    """A case's status columns from the status it has from `effective_on`."""
    return {"status": status, "settlement_method": method, "status_since": effective_on,
            "closed_on": effective_on if status in CLOSED_STATUSES else None}


_CASE_FIELDS = {f.attname: f for f in Case._meta.concrete_fields}
_PERIOD_COLUMNS = ("case_id", "status", "method", "valid_from", "valid_to", "source", "note", "recorded_by_id",
                   "recorded_at")


def case_changes_write(changes: Sequence[CaseChange], *, recorded_by_id: int | None,
                       now: dt.datetime) -> list[CaseChange]:
    """The one writer of status changes, for one case (`case_transition`, `case_record_status`) or a batch of
    them (the importer's edits): for each change, an UPDATE of the case's row that finds it only at its
    planned version, moves the version on and sets its columns; with a period, the status columns from the
    period, the open period ended where it begins, and the period inserted (all of a batch at once, after
    the periods they follow are ended: one open period a case). The importer's edits set the case's details
    in the same UPDATE (one statement a case). Returns the changes whose case was not at its version
    (changed meanwhile): the caller refuses them and rolls back."""
    quote = connection.ops.quote_name
    table = quote(Case._meta.db_table)
    close_period = (f"UPDATE {quote(StatusPeriod._meta.db_table)} SET {quote('valid_to')} = %s "  # noqa: S608
                    f"WHERE {quote('case_id')} = %s AND {quote('valid_to')} IS NULL")
    stale, periods = [], []
    with connection.cursor() as cursor:
        for change in changes:
            if STATUS_COLUMNS & change.columns.keys():
                raise ValueError("A case's status is set with the status period it begins.")
            values = {**change.columns, "updated_at": now}
            period = change.period
            if period is not None:
                values.update(status_columns(period.status, period.method, period.valid_from))
            assignments = ", ".join(f"{quote(_CASE_FIELDS[k].column)} = %s" for k in values)
            cursor.execute(f"UPDATE {table} SET {assignments}, {quote('version')} = %s "  # noqa: S608
                           f"WHERE {quote('id')} = %s AND {quote('version')} = %s",
                           [*(_CASE_FIELDS[k].get_db_prep_save(value, connection) for k, value in values.items()),
                            change.version + change.steps, change.case_id, change.version])
            if cursor.rowcount != 1:
                stale.append(change)
            elif period is not None:
                cursor.execute(close_period, [period.valid_from, change.case_id])
                periods.append((change.case_id, period.status, period.method, period.valid_from, None,
                                period.source, period.note, recorded_by_id, now))
    if not stale:
        insert_values(StatusPeriod, _PERIOD_COLUMNS, periods)
    return stale


_METHODS = frozenset(SettlementMethod.values)  # (the enum's .values builds a new list each time)


class CaseStatusFields(Protocol):
    """What `status_change` reads of a case (and sets, with the status columns): a Case, or the importer's
    plain stand-in for one."""

    status: str
    settlement_method: str


class OpenPeriod(Protocol):
    """The open status period `status_change` ends: a StatusPeriod, or the importer's plain stand-in."""

    valid_from: dt.date
    valid_to: dt.date | None


def status_change(
    case: CaseStatusFields, current: OpenPeriod | None, *, status: str, method: str,
    effective_on: dt.date, source: str, note: str, actor: User | None, today: dt.date | None = None,
    make_period: Callable[..., Any] = StatusPeriod,
) -> tuple[Any, dict[str, Any], dict[str, Any]]:
    """A status change in memory: checks it, ends the `current` open period, sets the case's status fields
    and returns the new period with the audit entry's before and after. Writing it is
    `case_changes_write`'s (`_apply_status` one case at a time, the importer's edits a batch), or, for the
    importer's new cases, the rows it inserts; the importer passes plain objects for the case and the
    periods, and `make_period` to make them."""
    if status == CaseStatus.CLOSED_SETTLED and method not in _METHODS:
        raise ValidationError(_("A settled case needs its settlement method."))
    if status != CaseStatus.CLOSED_SETTLED and status != CaseStatus.CLOSED_UNSETTLED:
        method = ""
    check_not_future(effective_on, "effective_on", today)
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
    for name, value in status_columns(status, method, effective_on).items():
        setattr(case, name, value)
    after = {"status": status, "settlement_method": method, "effective_on": effective_on, "note": note}
    return period, before, after


@transaction.atomic
def case_transition(
    *, actor: User | None, case: Case, to_status: str, effective_on: dt.date | None = None,
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
    *, actor: User | None, case: Case, status: str, effective_on: dt.date, method: str = "",
    source: str = RecordSource.FOUND, note: str = "",
) -> Case:
    """Record a status as found (history from a workbook or the screening), outside the workflow."""
    locked = Case.objects.select_for_update().get(pk=case.pk)
    if locked.status == status and locked.settlement_method == (method if status in CLOSED_STATUSES else ""):
        return locked
    return _apply_status(actor=actor, case=locked, status=status, method=method, effective_on=effective_on,
                         source=source, note=note, action="case.record_status")
