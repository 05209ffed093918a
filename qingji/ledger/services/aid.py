"""Judicial aid (司法救助) paid on a case."""

import datetime as dt
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from qingji.accounts.models import User
from qingji.audit.services import audit_log
from qingji.ledger.models import Case, JudicialAid
from qingji.ledger.services.checks import check_not_future, require


@transaction.atomic
def aid_add(
    *, actor: User | None, case: Case, amount: Decimal, date: dt.date, payer: str,
    approval: str = "",
) -> JudicialAid:
    require(actor, "case.record_work", case.handling_org)
    check_not_future(date, "date")
    if amount <= 0:
        raise ValidationError({"amount": _("The amount must be more than zero.")})
    aid = JudicialAid.objects.create(case=case, amount=amount, date=date, payer=payer, approval=approval,
                                     recorded_by=actor)
    audit_log(actor=actor, action="case.aid", obj=case,
              after={"amount": amount, "date": date, "payer": payer, "approval": approval})
    return aid
