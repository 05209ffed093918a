"""Reads of the case lifecycle, scoped through the ledger's visible cases."""

import datetime as dt
from collections.abc import Iterable
from typing import TYPE_CHECKING

from django.db.models import Count, Q, QuerySet
from django.shortcuts import get_object_or_404
from django.utils import timezone

from qingji.accounts.models import User
from qingji.accounts.roles import has_capability
from qingji.ledger.models import Case
from qingji.ledger.selectors import visible_cases
from qingji.lib.checks import allowed
from qingji.lib.rates import rate
from qingji.lifecycle import policy
from qingji.lifecycle.models import (
    FollowUp,
    FollowUpResult,
    Proceeding,
    ProceedingState,
    SampleCheck,
    Satisfaction,
)
from qingji.organisations.selectors import org_scope_q

if TYPE_CHECKING:
    pass


def pending_for(user: User) -> list[Proceeding]:
    """Closure requests and termination proposals whose current step `user` decides: steps decided at the
    user's unit, and the leading-group steps (which a campaign's head may sign), each asked of the policy."""
    if user.org_id is None or not policy.could_decide(user):
        return []
    pending = (Proceeding.objects.filter(state=ProceedingState.PENDING, case__in=visible_cases(user))
               .select_related("case", "case__handling_org", "requested_by").order_by("requested_on", "pk"))
    mine = [p for p in pending if p.current is not None
            and (p.current.get("unit") == user.org_id or p.current["code"] == "leading_group")]
    return [p for p in mine if allowed(policy.check_proceeding_decide, user, p)]


def get_visible_proceeding(user: User, pk: int) -> Proceeding:
    """A closure request or termination proposal of a case in scope, or Http404."""
    return get_object_or_404(Proceeding.objects.select_related("case", "case__handling_org", "requested_by"),
                             pk=pk, case__in=visible_cases(user))


def proceedings_of(case: Case) -> list[Proceeding]:
    return list(Proceeding.objects.filter(case=case).select_related("requested_by")
                .prefetch_related("decisions__decided_by", "evidence").order_by("-requested_at", "-pk"))


def visible_follow_ups(user: User) -> QuerySet[FollowUp]:
    """Scheduled visits (not sample checks) of cases in scope, for users who record them."""
    if not has_capability(user, "followup.record"):
        return FollowUp.objects.none()
    return FollowUp.objects.filter(case__in=visible_cases(user), sample_check=None)


def due_follow_ups(user: User, today: dt.date | None = None, within_days: int = 7) -> QuerySet[FollowUp]:
    today = today or timezone.localdate()
    return (visible_follow_ups(user).filter(done_on=None, due_on__lte=today + dt.timedelta(days=within_days))
            .select_related("case", "case__handling_org").order_by("due_on", "pk"))


def sample_checks_in_scope(user: User) -> QuerySet[SampleCheck]:
    """Checks of units in the user's scope (whether the user may run checks is asked separately)."""
    if not getattr(user, "is_authenticated", False) or user.org is None:
        return SampleCheck.objects.none()
    return SampleCheck.objects.filter(org_scope_q(user.org, "unit__"))


def get_visible_follow_up(user: User, pk: int) -> FollowUp:
    """A follow-up visit of a case in scope (and, for a sample check's visit, of a check in scope), or Http404.
    Whether the user may record it is the service's question."""
    visits = FollowUp.objects.select_related("case", "case__handling_org", "sample_check")
    visit = get_object_or_404(visits, pk=pk, case__in=visible_cases(user))
    if visit.sample_check_id:
        get_object_or_404(sample_checks_in_scope(user), pk=visit.sample_check_id)
    return visit


def visible_sample_checks(user: User) -> QuerySet[SampleCheck]:
    if not has_capability(user, "sample_check.manage"):
        return SampleCheck.objects.none()
    return sample_checks_in_scope(user)


PASS = Q(done_on__isnull=False, result=FollowUpResult.STABLE) & ~Q(satisfaction=Satisfaction.DISSATISFIED)


def sample_check_figures(checks: Iterable[SampleCheck]) -> dict[int, dict[str, object]]:
    """Per check: drawn, visited, passed and the pass rate (of the visited), in one query."""
    ids = [c.pk for c in checks]
    # django-stubs 5.2 refuses an annotation named as an attribute of the model (FollowUp.passed, a
    # property), even after .values(), whose rows are dicts (typeddjango/django-stubs#2818).
    rows = (FollowUp.objects.filter(sample_check_id__in=ids).values("sample_check_id")  # type: ignore[no-redef]
            .annotate(drawn=Count("pk"), visited=Count("pk", filter=Q(done_on__isnull=False)),
                      passed=Count("pk", filter=PASS)))
    figures: dict[int, dict[str, object]] = {
        pk: {"drawn": 0, "visited": 0, "passed": 0, "pass_rate": None} for pk in ids}
    for row in rows:
        figures[row["sample_check_id"]] = {**row, "pass_rate": rate(row["passed"], row["visited"])}
    return figures


def sample_check_pass_rates(org_ids: Iterable[int], as_of: dt.date | None = None) -> dict[int, str | None]:
    """Each unit's sample-check pass rate: passed ÷ visited over its checks' visits made by `as_of`
    (one decimal, as a string; None when nothing has been visited)."""
    org_ids = list(org_ids)
    visits = FollowUp.objects.filter(sample_check__unit_id__in=org_ids, done_on__isnull=False)
    if as_of is not None:
        visits = visits.filter(done_on__lte=as_of)
    # The same false error as in sample_check_figures (typeddjango/django-stubs#2818).
    rows = visits.values("sample_check__unit_id").annotate(  # type: ignore[no-redef]
        visited=Count("pk"), passed=Count("pk", filter=PASS))
    result: dict[int, str | None] = dict.fromkeys(org_ids)
    for row in rows:
        result[row["sample_check__unit_id"]] = rate(row["passed"], row["visited"])
    return result
