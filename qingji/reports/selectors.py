"""The one summary computation (spec/summary-report.md). The dashboard, the 统计分析 pages, the
workbook and document renderings, the API and the bulletins all read it, so their figures agree.

Everything is counted by the database: one grouped query over the status periods in force at
the end of the as-of day, one for judicial aid and one for reviews, whatever the number of cases.
"""

import datetime as dt
from decimal import Decimal
from typing import Any

from django.db.models import Count, Exists, OuterRef, Q, QuerySet, Sum
from django.db.models.functions import Greatest
from django.utils import timezone

from qingji.ledger.models import (
    OPEN_STATUSES,
    Case,
    CaseStatus,
    JudicialAid,
    SettlementMethod,
    Source,
    StatusPeriod,
)
from qingji.ledger.selectors import cases_in_org_scope
from qingji.lib.rates import rate
from qingji.organisations.models import Org
from qingji.reviews.models import AccountabilityAction, Grade, QualityReview

METHODS = [m.value for m in SettlementMethod]


def scoped_cases(*, org: Org | None = None, campaign=None, cases: QuerySet[Case] | None = None,  # type: ignore[no-untyped-def]
                 as_of: dt.date) -> QuerySet[Case]:
    """The cases a report counts: in scope, in the campaign, registered by the end of `as_of`."""
    if cases is None:
        cases = cases_in_org_scope(org) if org is not None else Case.objects.all()
    if campaign is not None:
        from qingji.campaigns.models import CampaignCase

        cases = cases.filter(Exists(CampaignCase.objects.filter(case=OuterRef("pk"), campaign=campaign)))
    return cases.filter(registered_on__lte=as_of)


def periods_as_of(cases: QuerySet[Case], as_of: dt.date) -> QuerySet[StatusPeriod]:
    """The status period each case was in at the end of `as_of` (exactly one per case)."""
    return StatusPeriod.objects.filter(case__in=cases.values("pk"), valid_from__lte=as_of).filter(
        Q(valid_to__isnull=True) | Q(valid_to__gt=as_of))


def summary(*, org: Org | None = None, campaign=None, as_of: dt.date | None = None,  # type: ignore[no-untyped-def]
            cases: QuerySet[Case] | None = None) -> dict[str, Any]:
    as_of = as_of or timezone.localdate()
    scoped = scoped_cases(org=org, campaign=campaign, cases=cases, as_of=as_of)
    groups = list(
        periods_as_of(scoped, as_of)
        .values("case__source", "case__handling_org_id", "status", "method")
        .annotate(
            n=Count("id"),
            key=Count("id", filter=~Q(case__key_supervision="")),
            overdue=Count("id", filter=Q(status__in=OPEN_STATUSES, case__deadline__lt=as_of)),
        )
        .order_by()
    )
    result: dict[str, Any] = {
        "as_of": as_of.isoformat(),
        "scope": {"org": org.code if org else None, "org_name": org.name if org else "",
                  "campaign": campaign.code if campaign else None},
    }
    result.update(_totals(groups))
    result["by_source"] = _by_source(groups)
    result["by_org"] = _by_org(groups)
    result["aid"] = _aid(scoped, as_of)
    result["reviews"] = _reviews(scoped, as_of)
    return result


def _methods(groups: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    settled = [g for g in groups if g["status"] == CaseStatus.CLOSED_SETTLED]
    total = sum(g["n"] for g in settled)
    counts = {m: sum(g["n"] for g in settled if g["method"] == m) for m in METHODS}
    return {m: {"count": counts[m], "share": rate(counts[m], total)} for m in METHODS}


def _totals(groups: list[dict[str, Any]]) -> dict[str, Any]:
    def count(*statuses: str) -> int:
        return sum(g["n"] for g in groups if g["status"] in statuses)

    total = count(*CaseStatus.values)
    settled = count(CaseStatus.CLOSED_SETTLED)
    return {
        "total": total,
        "status": {"open": count(*OPEN_STATUSES), "closed_unsettled": count(CaseStatus.CLOSED_UNSETTLED),
                   "closed_settled": settled},
        "settled": settled,
        "settlement_rate": rate(settled, total),
        "settled_by_method": _methods(groups),
    }


def _by_source(groups: list[dict[str, Any]]) -> list[dict[str, Any]]:
    rows = []
    for source in Source:
        mine = [g for g in groups if g["case__source"] == source.value]
        total = sum(g["n"] for g in mine)
        if not total:
            continue
        settled = sum(g["n"] for g in mine if g["status"] == CaseStatus.CLOSED_SETTLED)
        rows.append({
            "source": source.value, "label": str(source.label), "key_supervision": sum(g["key"] for g in mine),
            "total": total, "settled": settled, "settlement_rate": rate(settled, total),
            "settled_by_method": _methods(mine),
        })
    return rows


def _by_org(groups: list[dict[str, Any]]) -> list[dict[str, Any]]:
    per_org: dict[int, dict[str, int]] = {}
    for g in groups:
        row = per_org.setdefault(g["case__handling_org_id"], {"total": 0, "settled": 0, "overdue": 0})
        row["total"] += g["n"]
        row["overdue"] += g["overdue"]
        if g["status"] == CaseStatus.CLOSED_SETTLED:
            row["settled"] += g["n"]
    orgs = {o.pk: o for o in Org.objects.filter(pk__in=per_org)}
    rows = [
        {"org": orgs[pk].code, "name": orgs[pk].name, "total": r["total"], "settled": r["settled"],
         "settlement_rate": rate(r["settled"], r["total"]), "overdue": r["overdue"]}
        for pk, r in per_org.items()
    ]
    # By settlement rate (exactly, not the rounded string), highest first, then by code.
    rows.sort(key=lambda r: (-Decimal(r["settled"]) / r["total"], r["org"]))
    return rows


def _aid(cases: QuerySet[Case], as_of: dt.date) -> dict[str, Any]:
    figures = JudicialAid.objects.filter(case__in=cases.values("pk"), date__lte=as_of).aggregate(
        cases=Count("case", distinct=True), amount=Sum("amount"))
    return {"cases": figures["cases"], "amount": f"{figures['amount'] or Decimal('0'):.2f}"}


def _reviews(cases: QuerySet[Case], as_of: dt.date) -> dict[str, Any]:
    reviews = QualityReview.objects.filter(matter__case__in=cases.values("pk"), reviewed_on__lte=as_of)
    counts = dict(reviews.values_list("grade").annotate(n=Count("id")).order_by())
    accountable = reviews.filter(Exists(AccountabilityAction.objects.filter(review=OuterRef("pk")))).count()
    matters = sum(counts.values())
    return {
        "matters": matters,
        "grades": {str(g.value): {"count": counts.get(g.value, 0), "share": rate(counts.get(g.value, 0), matters)}
                   for g in Grade},
        "accountability": {"matters": accountable, "share": rate(accountable, matters)},
    }


def settlement_trend(cases: QuerySet[Case], days: list[dt.date]) -> list[dict[str, Any]]:
    """Cases and settled cases as of each day, from two grouped queries over the status periods.

    A period counts on day D when max(valid_from, registered_on) <= D and not (valid_to is set and
    max(valid_to, registered_on) <= D) (valid_to >= valid_from always). So the count on D is the
    number of periods "starting" by D minus the number "ending" by D: each period is read once,
    grouped by day, and the days are summed here, instead of one conditional count per day and
    period (docs/performance.md: 26 filters per period made the dashboard slow at scale)."""
    if not days:
        return []
    last = max(days)
    periods = StatusPeriod.objects.filter(case__in=cases.values("pk"), valid_from__lte=last)
    settled = Q(status=CaseStatus.CLOSED_SETTLED)
    starts = (periods.annotate(day=Greatest("valid_from", "case__registered_on")).filter(day__lte=last)
              .values("day").annotate(n=Count("id"), s=Count("id", filter=settled)).order_by())
    ends = (periods.filter(valid_to__isnull=False).annotate(day=Greatest("valid_to", "case__registered_on"))
            .filter(day__lte=last).values("day").annotate(n=Count("id"), s=Count("id", filter=settled)).order_by())
    start_rows = [(_as_date(r["day"]), r["n"], r["s"]) for r in starts]
    end_rows = [(_as_date(r["day"]), r["n"], r["s"]) for r in ends]
    result = []
    for day in days:
        total = sum(n for d, n, _s in start_rows if d <= day) - sum(n for d, n, _s in end_rows if d <= day)
        won = sum(s for d, _n, s in start_rows if d <= day) - sum(s for d, _n, s in end_rows if d <= day)
        result.append({"date": day.isoformat(), "total": total, "settled": won, "settlement_rate": rate(won, total)})
    return result


def _as_date(value: Any) -> dt.date:
    """GREATEST of two dates comes back as text on SQLite."""
    return value if isinstance(value, dt.date) else dt.date.fromisoformat(str(value)[:10])


def week_ends(today: dt.date, weeks: int = 12) -> list[dt.date]:
    """The last `weeks` Sundays up to today, and today itself."""
    last_sunday = today - dt.timedelta(days=(today.weekday() + 1) % 7)
    days = [last_sunday - dt.timedelta(weeks=n) for n in range(weeks - 1, -1, -1)]
    return [*days, today] if days[-1] != today else days
