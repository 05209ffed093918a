"""Scoped reads of the ledger. Every page, export, report and API call starts from `visible_cases`."""

from typing import TYPE_CHECKING, Any

from django.db.models import QuerySet, Subquery
from django.shortcuts import get_object_or_404

from qingji.accounts.roles import has_capability
from qingji.ledger.models import Case, Petitioner, StatusPeriod
from qingji.organisations.models import Org
from qingji.organisations.selectors import org_scope_q, visible_orgs

if TYPE_CHECKING:
    from qingji.accounts.models import User


def _cases_of(orgs: QuerySet[Org] | list[Org]) -> QuerySet[Case]:
    """The cases of these units. The unit ids are read first (a few hundred, from a small table) and
    written into the query as a list: with a literal list both SQLite and PostgreSQL estimate the scope
    well and pick the sort index for a province and the (unit, …) indexes for a county (docs/performance.md);
    with a subquery SQLite sorted every case in scope to show fifty."""
    if isinstance(orgs, list):
        return Case.objects.filter(handling_org_id__in=[o.pk for o in orgs])
    return Case.objects.filter(handling_org_id__in=list(orgs.order_by().values_list("id", flat=True)))


def cases_in_org_scope(org: Org) -> QuerySet[Case]:
    """The cases handled by `org` and every unit in its scope (its subtree; a committee's region).
    A subquery, for the reports: they read every case in scope, so a list buys them nothing."""
    return Case.objects.filter(handling_org__in=Subquery(Org.objects.filter(org_scope_q(org)).values("id")))


def visible_cases(user: "User", orgs: list[Org] | None = None) -> QuerySet[Case]:
    """The cases `user` may see: none for administrators, else those of the units in scope.
    `orgs` is `list(visible_orgs(user))` when the caller has read it already."""
    if not has_capability(user, "case.view"):
        return Case.objects.none()
    return _cases_of(orgs if orgs is not None else visible_orgs(user))


def visible_unit_ids(user: "User") -> list[int]:
    """The ids of the units whose cases `user` may see (`visible_cases` is exactly their cases): for the
    reports, which count by unit."""
    if not has_capability(user, "case.view"):
        return []
    return list(visible_orgs(user).order_by().values_list("id", flat=True))


def get_visible_case(user: "User", pk: int, *, for_update: bool = False) -> Case:
    """One case in scope, or Http404."""
    queryset = visible_cases(user).select_related("handling_org", "category")
    if for_update:
        queryset = queryset.select_for_update()
    return get_object_or_404(queryset, pk=pk)


def visible_petitioners(user: "User") -> QuerySet[Petitioner]:
    """Petitioners of cases in scope."""
    return Petitioner.objects.filter(cases__in=Subquery(visible_cases(user).values("id"))).distinct()


def case_status_history(case: Case) -> QuerySet[StatusPeriod]:
    return case.status_periods.select_related("recorded_by").order_by("valid_from", "id")


def case_timeline(case: Case) -> list[dict[str, Any]]:
    """Work log, status changes, aid and attachments of one case, newest first (four queries)."""
    events: list[dict[str, Any]] = []
    for entry in case.work_log.select_related("recorded_by"):
        events.append({"date": entry.date, "type": "work", "object": entry})
    for period in case_status_history(case):
        events.append({"date": period.valid_from, "type": "status", "object": period})
    for aid in case.aid.all():
        events.append({"date": aid.date, "type": "aid", "object": aid})
    for attachment in case.attachments.select_related("uploaded_by"):
        events.append({"date": attachment.uploaded_at.date(), "type": "attachment", "object": attachment})
    order = {"status": 0, "work": 1, "aid": 2, "attachment": 3}
    return sorted(events, key=lambda e: (e["date"], order[str(e["type"])], e["object"].pk), reverse=True)


def ledger_columns(user: "User") -> list[str]:
    from qingji.ledger.models import DEFAULT_COLUMNS, LEDGER_COLUMNS, LedgerPreference

    preference = LedgerPreference.objects.filter(user=user).first()
    chosen = [c for c in (preference.columns if preference else DEFAULT_COLUMNS) if c in LEDGER_COLUMNS]
    return chosen or list(DEFAULT_COLUMNS)
