"""Scoped reads of the file reviews (案件评查): underlying matters through the ledger's visible cases."""

from django.db.models import QuerySet
from django.shortcuts import get_object_or_404

from qingji.accounts.models import User
from qingji.ledger.models import UnderlyingMatter
from qingji.ledger.selectors import visible_cases
from qingji.organisations.models import Org, OrgKind
from qingji.reviews.models import QualityReview


def get_visible_matter(user: User, pk: int) -> UnderlyingMatter:
    """An underlying matter of a case in scope, or Http404."""
    return get_object_or_404(UnderlyingMatter.objects.select_related("case", "case__handling_org"), pk=pk,
                             case__in=visible_cases(user))


def review_of(matter: UnderlyingMatter) -> QualityReview | None:
    """The matter's graded review, if one has been recorded (read afresh: the matter may be older)."""
    return QualityReview.objects.filter(matter=matter).first()


def matter_units() -> QuerySet[Org]:
    """The units that may have decided an underlying matter: any court or body (often a superior court,
    outside the user's own scope), for the directory of units is not case content. Not scoped on purpose."""
    return Org.objects.exclude(kind=OrgKind.COMMITTEE).order_by("path")
