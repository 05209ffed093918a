"""The one summary computation (spec/summary-report.md). The dashboard, the 统计分析 pages, the
workbook and document renderings, the API and the bulletins all read it, so their figures agree.

Everything is counted by the database: the status figures grouped by (source, unit, status, method), the
categories and the flags as of the end of the day, from a checkpoint and the periods changed since
(reports/checkpoints.py) or from one grouped query over every period in force; one query each for judicial
aid, reviews and the work log. The rebounds and the termination proposals, few rows behind an index, are
counted directly each time (one query each), so they need no checkpoint to be exact.
"""

import datetime as dt
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django.db.models import Count, Exists, OuterRef, Q, QuerySet
from django.db.models.functions import Greatest
from django.utils import timezone
from django.utils.translation import gettext as _

from qingji.ledger.models import (
    CASE_FLAGS,
    CLOSED_STATUSES,
    OPEN_STATUSES,
    Case,
    CaseStatus,
    Category,
    SettlementMethod,
    StatusPeriod,
    WorkKind,
)
from qingji.ledger.vocabulary import CATEGORIES, SOURCES, Vocabulary
from qingji.lib.rates import rate
from qingji.lifecycle.models import Proceeding, ProceedingKind, ProceedingState, Reopening
from qingji.organisations.models import Org
from qingji.organisations.selectors import org_scope_q
from qingji.reports import checkpoints
from qingji.reviews.models import Grade
from qingji.rules.selectors import RuleBook

if TYPE_CHECKING:
    from qingji.campaigns.models import Campaign

METHODS = [m.value for m in SettlementMethod]


def unit_ids(org: Org | None) -> list[int] | None:
    """The handling units in `org`'s scope (None: no org, every unit)."""
    if org is None:
        return None
    return list(Org.objects.filter(org_scope_q(org)).order_by().values_list("id", flat=True))


def scoped_cases(*, units: list[int] | None = None, campaign: "Campaign | None" = None,
                 cases: QuerySet[Case] | None = None, as_of: dt.date) -> QuerySet[Case]:
    """The cases a report counts: of these units (or this queryset), in the campaign, registered by the end
    of `as_of`."""
    if cases is None:
        cases = Case.objects.all() if units is None else Case.objects.filter(handling_org_id__in=units)
    if campaign is not None:
        from qingji.campaigns.models import CampaignCase

        cases = cases.filter(Exists(CampaignCase.objects.filter(case=OuterRef("pk"), campaign=campaign)))
    return cases.filter(registered_on__lte=as_of)


def periods_as_of(cases: QuerySet[Case], as_of: dt.date) -> QuerySet[StatusPeriod]:
    """The status period each case was in at the end of `as_of` (exactly one per case)."""
    return StatusPeriod.objects.filter(case__in=cases.values("pk"), valid_from__lte=as_of).filter(
        Q(valid_to__isnull=True) | Q(valid_to__gt=as_of))


def summary(*, org: Org | None = None, campaign: "Campaign | None" = None, as_of: dt.date | None = None,
            units: list[int] | None = None, cases: QuerySet[Case] | None = None,
            book: RuleBook | None = None) -> dict[str, Any]:
    """The summary of the cases of `units` (default: the units in `org`'s scope; None and no org: every
    case), or of a hand-made `cases` queryset, in `campaign` if given, as of the end of `as_of`.
    `org` names the report's scope. The grouped figures come from the checkpoints where they can
    (reports/checkpoints.py); a hand-made queryset is always counted in full. The sources and categories
    are listed in the order and with the labels of `org`'s rules (`book`: the page's rules)."""
    as_of = as_of or timezone.localdate()
    if cases is None and units is None:
        units = unit_ids(org)
    counted = checkpoints.figures(units=units, campaign=campaign, day=as_of, cases=cases)
    rebounds = _rebounds(units=units, campaign=campaign, cases=cases, as_of=as_of)
    # Collapse once: by (source, status, method) for the totals and the sources, by unit for the units.
    collapsed: dict[tuple[str, str, str], list[int]] = {}
    per_org: dict[int, dict[str, int]] = {}
    for (source, org_id, status, method), (n, key, overdue) in counted.groups.items():
        row = collapsed.setdefault((source, status, method), [0, 0])
        row[0] += n
        row[1] += key
        unit = per_org.setdefault(org_id, {"total": 0, "settled": 0, "overdue": 0})
        unit["total"] += n
        unit["overdue"] += overdue
        if status == CaseStatus.CLOSED_SETTLED:
            unit["settled"] += n
    groups = [{"case__source": source, "status": status, "method": method, "n": n, "key": key}
              for (source, status, method), (n, key) in collapsed.items()]
    result: dict[str, Any] = {
        "as_of": as_of.isoformat(),
        "scope": {"org": org.code if org else None, "org_name": org.name if org else "",
                  "campaign": campaign.code if campaign else None},
    }
    result.update(_totals(groups))
    result["rebound"] = _rebound(rebounds, result["concluded"])
    result["terminations"] = _terminations(groups, units=units, campaign=campaign, cases=cases, as_of=as_of)
    result["work_by_kind"] = _work(counted.work)
    vocabulary = Vocabulary(book)
    result["by_source"] = _by_source(groups, vocabulary, org)
    result["by_category"] = _by_category(counted.categories, vocabulary, org)
    result["by_org"] = _by_org(per_org, rebounds)
    result["flags"] = _flags(counted.flags)
    result["aid"] = _aid(counted.aid)
    result["reviews"] = _reviews(counted.reviews)
    return result


def _rebounds(*, units: list[int] | None, campaign: Any, cases: QuerySet[Case] | None,
              as_of: dt.date) -> dict[int, set[int]]:
    """重新上访 by the end of `as_of` of the report's cases: per unit that closed the case (the rebound counts
    against it), the cases petitioned about again."""
    rows = (Reopening.objects.filter(checkpoints.case_scope_q("case", units, campaign, cases),
                                     petitioned_on__lte=as_of, case__registered_on__lte=as_of)
            .values_list("closed_by_id", "case_id").distinct().order_by())
    result: dict[int, set[int]] = {}
    for unit, case in rows:
        result.setdefault(unit, set()).add(case)
    return result


def _rebound(rebounds: dict[int, set[int]], concluded: int) -> dict[str, Any]:
    """The cases petitioned about again, each once whichever units it counts against; a rate of the concluded."""
    cases = len(set().union(*rebounds.values()))
    return {"cases": cases, "rate": rate(cases, concluded)}


def _terminations(groups: list[dict[str, Any]], *, units: list[int] | None, campaign: Any,
                  cases: QuerySet[Case] | None, as_of: dt.date) -> dict[str, int]:
    """Termination proposals by their state at the end of `as_of`. Approved: the cases terminated that day
    (from the status figures, so a case imported as terminated counts, and approved equals the terminated
    cases); pending: proposals made by then and not yet decided; returned: those returned by then; proposed:
    the three together (a proposal withdrawn before its decision is not counted)."""
    counts = (Proceeding.objects.filter(checkpoints.case_scope_q("case", units, campaign, cases),
                                        kind=ProceedingKind.TERMINATION, requested_on__lte=as_of,
                                        case__registered_on__lte=as_of)
              .aggregate(pending=Count("pk", filter=Q(finished_on__isnull=True) | Q(finished_on__gt=as_of)),
                         returned=Count("pk", filter=Q(state=ProceedingState.RETURNED, finished_on__lte=as_of))))
    approved = sum(g["n"] for g in groups
                   if g["method"] == SettlementMethod.TERMINATED and g["status"] in CLOSED_STATUSES)
    return {"proposed": approved + counts["pending"] + counts["returned"], "approved": approved,
            "returned": counts["returned"], "pending": counts["pending"]}


def _work(per_unit: dict[tuple[int, str], list[int]]) -> dict[str, int]:
    counts = dict.fromkeys(WorkKind.values, 0)
    for (_org, kind), (n,) in per_unit.items():
        counts[kind] = counts.get(kind, 0) + n
    return counts


def _flags(per_unit: dict[int, list[int]]) -> dict[str, int]:
    return {flag: sum(counts[i] for counts in per_unit.values()) for i, flag in enumerate(CASE_FLAGS)}


def _in_rule_order(codes: set[str], key: Any, vocabulary: Vocabulary, org: Org | None) -> list[str]:
    """`codes` in the order of `org`'s rule, then those it does not list (retired elsewhere, another unit's)."""
    order = [e.code for e in vocabulary.entries(key, org) if e.code in codes]
    return [*order, *sorted(codes - set(order))]


def _by_category(per_unit: dict[tuple[int | None, int], list[int]], vocabulary: Vocabulary,
                 org: Org | None) -> list[dict[str, Any]]:
    """Every category with at least one case, in the order of the rule `categories`; cases without one last."""
    totals: dict[str | None, list[int]] = {}
    named = {pk for pk, _org in per_unit if pk is not None}
    codes = dict(Category.objects.filter(pk__in=named).values_list("pk", "code")) if named else {}
    for (category, _org), (n, settled) in per_unit.items():
        row = totals.setdefault(codes.get(category) if category is not None else None, [0, 0])
        row[0] += n
        row[1] += settled
    order: list[tuple[str | None, str]] = [
        (code, vocabulary.label(CATEGORIES, code, org))
        for code in _in_rule_order({c for c in totals if c is not None}, CATEGORIES, vocabulary, org)]
    if None in totals:
        order.append((None, _("No category")))
    return [{"category": code, "label": label, "total": totals[code][0], "settled": totals[code][1],
             "settlement_rate": rate(totals[code][1], totals[code][0])} for code, label in order if totals[code][0]]


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
    concluded = count(*CLOSED_STATUSES)
    return {
        "total": total,
        "status": {"open": count(*OPEN_STATUSES), "closed_unsettled": count(CaseStatus.CLOSED_UNSETTLED),
                   "closed_settled": settled},
        "settled": settled,
        "settlement_rate": rate(settled, total),
        "concluded": concluded,
        "closure_rate": rate(concluded, total),
        "settled_by_method": _methods(groups),
    }


def _by_source(groups: list[dict[str, Any]], vocabulary: Vocabulary, org: Org | None) -> list[dict[str, Any]]:
    """Every source with at least one case, in the order of the rule `sources` of the report's unit."""
    rows = []
    for source in _in_rule_order({g["case__source"] for g in groups}, SOURCES, vocabulary, org):
        mine = [g for g in groups if g["case__source"] == source]
        total = sum(g["n"] for g in mine)
        if not total:
            continue
        settled = sum(g["n"] for g in mine if g["status"] == CaseStatus.CLOSED_SETTLED)
        rows.append({
            "source": source, "label": vocabulary.label(SOURCES, source, org),
            "key_supervision": sum(g["key"] for g in mine),
            "total": total, "settled": settled, "settlement_rate": rate(settled, total),
            "settled_by_method": _methods(mine),
        })
    return rows


def _by_org(per_org: dict[int, dict[str, int]], rebounds: dict[int, set[int]]) -> list[dict[str, Any]]:
    units = Org.objects.filter(pk__in=per_org).values_list("id", "code", "name")
    names = {pk: (code, name) for pk, code, name in units}
    rows: list[dict[str, Any]] = [
        {"org": names[pk][0], "name": names[pk][1], "total": r["total"], "settled": r["settled"],
         "settlement_rate": rate(r["settled"], r["total"]), "overdue": r["overdue"],
         "rebound": len(rebounds.get(pk, ()))}
        for pk, r in per_org.items()
    ]
    # By settlement rate (exactly, not the rounded string), highest first, then by code.
    rows.sort(key=lambda r: (-Decimal(r["settled"]) / r["total"], r["org"]))
    return rows


def _aid(per_org: dict[int, list[Any]]) -> dict[str, Any]:
    amount = sum((amount for _n, amount in per_org.values()), Decimal("0"))
    return {"cases": sum(n for n, _amount in per_org.values()), "amount": f"{amount:.2f}"}


def _reviews(per_grade: dict[tuple[int, int], list[int]]) -> dict[str, Any]:
    counts = {g.value: 0 for g in Grade}
    accountable = 0
    for (_org, grade), (n, with_action) in per_grade.items():
        counts[grade] += n
        accountable += with_action
    matters = sum(counts.values())
    return {
        "matters": matters,
        "grades": {str(g.value): {"count": counts[g.value], "share": rate(counts[g.value], matters)} for g in Grade},
        "accountability": {"matters": accountable, "share": rate(accountable, matters)},
    }


def settlement_trend(*, units: list[int] | None = None, campaign: "Campaign | None" = None,
                     cases: QuerySet[Case] | None = None, days: list[dt.date]) -> list[dict[str, Any]]:
    """Cases and settled cases as of each day: from the checkpoints where they are valid (a Sunday or a month
    end is read as it is, another day from the checkpoint before it and the periods changed since), else
    from two grouped queries over every status period (`_trend_in_full`)."""
    if not days:
        return []
    if cases is None:
        found = checkpoints.totals_on(units=units, campaign=campaign, days=days)
        if found is not None:
            by_day, stale = found
            if stale:  # the units a back-dated change marked, counted for every day at once
                for point in _trend_in_full(scoped_cases(units=stale, campaign=campaign, as_of=max(days)), days):
                    day = dt.date.fromisoformat(point["date"])
                    by_day[day] = (by_day[day][0] + point["total"], by_day[day][1] + point["settled"])
            return [{"date": day.isoformat(), "total": by_day[day][0], "settled": by_day[day][1],
                     "settlement_rate": rate(by_day[day][1], by_day[day][0])} for day in days]
    return _trend_in_full(scoped_cases(units=units, campaign=campaign, cases=cases, as_of=max(days)), days)


def _trend_in_full(cases: QuerySet[Case], days: list[dt.date]) -> list[dict[str, Any]]:
    """Cases and settled cases as of each day, from two grouped queries over the status periods.

    A period counts on day D when max(valid_from, registered_on) <= D and not (valid_to is set and
    max(valid_to, registered_on) <= D) (valid_to >= valid_from always). So the count on D is the
    number of periods "starting" by D minus the number "ending" by D: each period is read once,
    grouped by day, and the days are summed here, instead of one conditional count per day and
    period (docs/performance.md: 26 filters per period made the dashboard slow at scale)."""
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
