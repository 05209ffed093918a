"""Scoped reads of the ledger. Every page, export, report and API call starts from `visible_cases`."""

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.db.models import Q, QuerySet, Subquery
from django.shortcuts import get_object_or_404

from qingji.accounts.roles import has_capability
from qingji.ledger.models import Case, CasePetitioner, Petitioner, SettlementMethod, StatusPeriod
from qingji.lib.idnumbers import normalise_id_number, normalise_phone
from qingji.lib.pii import digest
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


def _same_person_q(petitioners: Sequence[Petitioner], id_number: str, name: str, phone: str) -> Q | None:
    """Petitioner records that may be the same person (多头信访): one of `petitioners`, or a record with the same
    ID number, or the same name and phone, as one of them or as the values given."""
    condition = Q(pk__in=[p.pk for p in petitioners]) if petitioners else None
    ids = {p.id_number_digest for p in petitioners} | {digest(normalise_id_number(id_number))}
    pairs = {(p.name, p.phone_digest) for p in petitioners} | {(name.strip(), digest(normalise_phone(phone)))}
    for match in [Q(id_number_digest=d) for d in sorted(ids) if d] + [
            Q(name=n, phone_digest=d) for n, d in sorted(pairs) if n and d]:
        condition = match if condition is None else condition | match
    return condition


def visible_similar_petitioners(user: "User", *, id_number: str = "", name: str = "",
                                phone: str = "") -> QuerySet[Petitioner]:
    """Petitioners in scope who may be the person being registered, for the registration form to offer."""
    condition = _same_person_q([], id_number, name, phone)
    return visible_petitioners(user).filter(condition) if condition else Petitioner.objects.none()


@dataclass(frozen=True)
class SamePersonCase:
    """A case of the person being registered, as much of it as the registering user may learn (docs/security.md,
    "What a unit learns of another unit's case"): the unit that handles it, its status and the day it was
    registered, so that the unit does not register the person a second time. The case itself — ledger number,
    summary, page — only when it is in the user's scope."""

    unit: str
    status: str
    registered_on: dt.date
    terminated: bool
    case: Case | None


def same_person_cases(user: "User", *, petitioners: Sequence[Petitioner] = (), id_number: str = "",
                      name: str = "", phone: str = "") -> list[SamePersonCase]:
    """Every case, in any unit, of a petitioner who may be the same person as `petitioners` or as the ID number,
    name and phone given, oldest first (two queries)."""
    condition = _same_person_q(list(petitioners), id_number, name, phone)
    if condition is None:
        return []
    cases = list(Case.objects.filter(pk__in=Subquery(CasePetitioner.objects.filter(
        petitioner__in=Petitioner.objects.filter(condition)).values("case_id")))
        .select_related("handling_org").order_by("registered_on", "pk"))
    mine = set(visible_cases(user).filter(pk__in=[c.pk for c in cases]).values_list("pk", flat=True))
    found = []
    for case in cases:
        terminated = case.settlement_method == SettlementMethod.TERMINATED
        found.append(SamePersonCase(
            unit=case.handling_org.name, registered_on=case.registered_on, terminated=terminated,
            status=str(SettlementMethod.TERMINATED.label if terminated else case.get_status_display()),
            case=case if case.pk in mine else None))
    return found


def petitioner_names(case_ids: Sequence[int]) -> dict[int, list[str]]:
    """The petitioners' names of each of these cases (ids the caller read through `visible_cases`), in order."""
    names: dict[int, list[str]] = {}
    for case_id, name in (CasePetitioner.objects.filter(case_id__in=case_ids).order_by("position")
                          .values_list("case_id", "petitioner__name")):
        names.setdefault(case_id, []).append(name)
    return names


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
