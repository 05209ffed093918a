"""Status history: every status change goes through `case_transition` (the workflow's state machine) or
`case_record_status` (a status as found), which keep the status periods the reports are computed from and
write the audit log."""

import datetime as dt
from collections.abc import Callable
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from qingji.audit.services import audit_log
from qingji.ledger.models import CLOSED_STATUSES, Case, CaseStatus, RecordSource, SettlementMethod, StatusPeriod
from qingji.ledger.services.checks import check_not_future

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
