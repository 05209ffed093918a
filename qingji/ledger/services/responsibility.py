"""Responsibility for a case (领导包案 / 五定一包)."""

import datetime as dt
from collections.abc import Sequence
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from qingji.accounts.models import User
from qingji.audit.services import audit_log
from qingji.ledger.models import Case, CaseStatus, Responsibility
from qingji.ledger.services.checks import require
from qingji.ledger.services.status import case_transition
from qingji.organisations.models import Official


@transaction.atomic
def responsibility_assign(
    *, actor: User | None, case: Case, lead_official: Official | None, plan: str = "",
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


def responsibility_snapshot(r: Any, handlers: Sequence[Official] | None = None) -> dict[str, Any]:
    """A responsibility as the audit log records it; `handlers` in their stored order (by unit, then
    name) when they are not saved yet. `r` is a Responsibility, or a bulk writer's plain stand-in (with
    `handlers` given)."""
    if handlers is None:
        handlers = list(r.handlers.all()) if r.pk else []
    return {
        "lead_official": str(r.lead_official or ""), "supervising_official": str(r.supervising_official or ""),
        "handlers": [str(h) for h in handlers],
        "watch_officer": str(r.watch_officer or ""), "head_of_unit": str(r.head_of_unit or ""),
        "plan": r.plan, "deadline": r.deadline, "goal": r.goal,
    }
