"""Writes of 案件评查: underlying matters, their quality grade and the accountability that follows."""

import datetime as dt

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from qingji.accounts.models import User
from qingji.accounts.roles import has_capability
from qingji.audit.services import audit_log
from qingji.ledger.models import Case, MatterStage, UnderlyingMatter
from qingji.ledger.services import require
from qingji.organisations.models import Org
from qingji.reviews.models import AccountabilityAction, AccountabilityKind, Grade, QualityReview


def _not_future(day: dt.date | None, field: str) -> dt.date:
    day = day or timezone.localdate()
    if day > timezone.localdate():
        raise ValidationError({field: _("This date is in the future.")})
    return day


@transaction.atomic
def matter_add(*, actor: User | None, case: Case, docket_number: str, stage: str = "",
               org: Org | None = None) -> UnderlyingMatter:
    """Add an underlying matter (原案) to a case: its docket number, stage and the unit that decided it."""
    if actor is not None and not (has_capability(actor, "review.record") or has_capability(actor, "case.edit")):
        raise PermissionDenied(_("Your role does not allow this."))
    require(actor, "case.view", case.handling_org)
    docket_number = docket_number.strip()
    if not docket_number:
        raise ValidationError({"docket_number": _("Give the docket number, e.g. (2010)凉民初字第123号.")})
    if stage and stage not in MatterStage.values:
        raise ValidationError({"stage": _("Choose a stage from the list.")})
    try:
        with transaction.atomic():
            matter = UnderlyingMatter.objects.create(case=case, docket_number=docket_number, stage=stage, org=org)
    except IntegrityError:
        raise ValidationError({"docket_number": _("This case already lists %(docket)s.") % {"docket": docket_number}})
    search = "\n".join([case.search_text, docket_number]) if docket_number not in case.search_text else None
    if search is not None:
        Case.objects.filter(pk=case.pk).update(search_text=search)
    audit_log(actor=actor, action="review.matter_add", obj=case,
              after={"docket_number": docket_number, "stage": stage, "org": org.code if org else ""})
    return matter


@transaction.atomic
def review_record(*, actor: User | None, matter: UnderlyingMatter, grade: int, findings: str = "",
                  reviewed_on: dt.date | None = None) -> QualityReview:
    """Record (or correct) the grade of an underlying matter's files: 一类, 二类 or 三类."""
    require(actor, "review.record", matter.case.handling_org)
    if grade not in Grade.values:
        raise ValidationError({"grade": _("Choose grade 1, 2 or 3.")})
    if grade == Grade.THREE and not findings.strip():
        raise ValidationError({"findings": _("Say what is wrong with a grade 3 file.")})
    reviewed_on = _not_future(reviewed_on, "reviewed_on")
    review = QualityReview.objects.select_for_update().filter(matter=matter).first()
    before = {"grade": review.grade, "findings": review.findings, "reviewed_on": review.reviewed_on} if review else None
    if review is None:
        review = QualityReview(matter=matter)
    review.grade, review.findings, review.reviewed_on, review.reviewer = grade, findings.strip(), reviewed_on, actor
    review.save()
    audit_log(actor=actor, action="review.record", obj=matter.case, before=before,
              after={"docket_number": matter.docket_number, "grade": grade, "findings": review.findings,
                     "reviewed_on": reviewed_on})
    return review


@transaction.atomic
def accountability_add(*, actor: User | None, review: QualityReview, kind: str, person: str,
                       date: dt.date | None = None, note: str = "") -> AccountabilityAction:
    """责任追究: a consequence for the staff whose error caused the petition."""
    require(actor, "review.record", review.matter.case.handling_org)
    if kind not in AccountabilityKind.values:
        raise ValidationError({"kind": _("Choose the kind of action.")})
    if not person.strip():
        raise ValidationError({"person": _("Name the person held accountable.")})
    action = AccountabilityAction.objects.create(review=review, kind=kind, person=person.strip(),
                                                 date=_not_future(date, "date"), note=note.strip())
    audit_log(actor=actor, action="review.accountability", obj=review.matter.case,
              after={"docket_number": review.matter.docket_number, "kind": kind, "person": action.person,
                     "date": action.date, "note": action.note})
    return action
