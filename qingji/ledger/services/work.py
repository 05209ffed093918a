"""The work log: what was done on a case."""

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from qingji.accounts.models import User
from qingji.audit.services import audit_log
from qingji.ledger.models import Case, WorkLogEntry
from qingji.ledger.services.checks import check_not_future, require


@transaction.atomic
def work_log_add(
    *, actor: User | None, case: Case, kind: str, date: dt.date, content: str,
    participants: str = "",
) -> WorkLogEntry:
    require(actor, "case.record_work", case.handling_org)
    check_not_future(date, "date")
    if not content.strip():
        raise ValidationError({"content": _("Describe what was done.")})
    entry = WorkLogEntry.objects.create(case=case, kind=kind, date=date, participants=participants,
                                        content=content.strip(), recorded_by=actor)
    audit_log(actor=actor, action="case.work_log", obj=case,
              after={"kind": kind, "date": date, "participants": participants, "content": entry.content})
    return entry
