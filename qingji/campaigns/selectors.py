"""Scoped reads of campaigns: which a user may see, the progress figures, the next milestone, the rules.

A campaign's rules are the local rules of its keys (`campaign.*`, `bulletin.*`, `assessment.*`), resolved by
`qingji.rules.selectors.RuleBook` from the campaign's own set, then its organiser's chain, then the default.
The milestone of month m of `campaign.milestones` is due at the end of the campaign's m-th month: its start
plus m months, less one day (a campaign from 1 November has its month-1 milestone on 30 November).
"""

import calendar
import datetime as dt
import math
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db.models import QuerySet
from django.http import Http404

from qingji.accounts.models import User
from qingji.campaigns.models import Bulletin, Campaign, ExplanationTask, GroupRole, LeadingGroupMember
from qingji.ledger.models import Case
from qingji.ledger.selectors import visible_cases, visible_unit_ids
from qingji.organisations.models import Official, Org, OrgKind
from qingji.organisations.selectors import org_holders_q, org_scope_q, visible_orgs
from qingji.rules.keys import KEYS
from qingji.rules.selectors import Resolved, RuleBook

# The keys a campaign may set for itself, in the order of the spec.
CAMPAIGN_KEYS = tuple(code for code, key in KEYS.items() if key.campaign)


def visible_campaigns(user: User) -> QuerySet[Campaign]:
    """Campaigns organised by a unit in the user's scope, or by a committee whose scope holds the user's unit
    (a city committee's campaign is seen by every unit of the city): one query. Every page, form, report,
    export and API call that names a campaign reads it from here, so a campaign the user can see is one
    they can report on."""
    org = user.org if getattr(user, "is_authenticated", False) else None
    if org is None:
        return Campaign.objects.none()
    return (Campaign.objects.filter(org_scope_q(org, "organiser__") | org_holders_q(org, "organiser__"))
            .select_related("organiser"))


def get_visible_campaign(user: User, code: str) -> Campaign:
    campaign = visible_campaigns(user).filter(code=code).first()
    if campaign is None:
        raise Http404
    return campaign


def can_manage(user: User, campaign: Campaign) -> bool:
    """The organiser itself (or a unit whose scope holds it: the committee of its region, its superior) runs
    the campaign; the role is checked apart (`campaign.manage`, `bulletin.issue`)."""
    return visible_orgs(user).filter(pk=campaign.organiser_id).exists()


def takes_part(campaign: Campaign, org: Org) -> bool:
    """Whether `org` handles one of the campaign's cases: the units its assessment rates (and may veto)."""
    return campaign.memberships.filter(case__handling_org=org).exists()


def get_visible_bulletin(user: User, code: str, number: int) -> Bulletin:
    campaign = get_visible_campaign(user, code)
    bulletin = campaign.bulletins.filter(number=number).first()
    if bulletin is None:
        raise Http404
    return bulletin


def visible_explanations(user: User) -> QuerySet[ExplanationTask]:
    """A unit sees its own tasks; a committee those of the units in its scope."""
    return (ExplanationTask.objects.filter(org__in=visible_orgs(user))
            .select_related("org", "head", "campaign", "bulletin"))


def add_months(day: dt.date, months: int) -> dt.date:
    """The same day `months` later (or the month's last day where it is shorter)."""
    month = day.month - 1 + months
    year, month = day.year + month // 12, month % 12 + 1
    return dt.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def milestone_date(starts_on: dt.date, month: int) -> dt.date:
    """The end of the campaign's `month`-th month: its start plus `month` months, less a day."""
    return add_months(starts_on, month) - dt.timedelta(days=1)


@dataclass(frozen=True)
class Milestone:
    """阶段目标: the settlement rate (per cent) to reach by the end of `date`, month `month` of the campaign."""

    month: int
    date: dt.date
    target_rate: Decimal

    def as_json(self) -> dict[str, Any]:
        return {"month": self.month, "date": self.date.isoformat(), "target": str(self.target_rate)}


def campaign_rules(campaign: Campaign, book: RuleBook | None = None) -> dict[str, Resolved]:
    """Every campaign key in force for `campaign`, with where it comes from (the campaign's code, a unit's, or
    "default")."""
    book = book or RuleBook()
    return {key: book.resolve(key, campaign=campaign) for key in CAMPAIGN_KEYS}


def inherited_rules(organiser: Org, book: RuleBook | None = None) -> dict[str, Resolved]:
    """The campaign keys a campaign of `organiser` has where it sets none: the organiser's chain, or default."""
    book = book or RuleBook()
    return {key: book.resolve(key, org=organiser) for key in CAMPAIGN_KEYS}


def milestones_of(starts_on: dt.date, value: list[dict[str, Any]]) -> list[Milestone]:
    return [Milestone(int(m["month"]), milestone_date(starts_on, int(m["month"])), Decimal(str(m["rate"])))
            for m in sorted(value, key=lambda m: int(m["month"]))]


def milestones(campaign: Campaign, book: RuleBook | None = None) -> list[Milestone]:
    """The campaign's milestones in force now (`campaign.milestones`), each with its due date."""
    return milestones_of(campaign.starts_on, (book or RuleBook()).value("campaign.milestones", campaign=campaign))


def milestone_in_force(campaign: Campaign, as_of: dt.date, found: list[Milestone] | None = None) -> Milestone | None:
    """The latest milestone whose date has passed by the end of `as_of`."""
    passed = [m for m in (found if found is not None else milestones(campaign)) if m.date <= as_of]
    return passed[-1] if passed else None


def next_milestone(campaign: Campaign, as_of: dt.date, found: list[Milestone] | None = None) -> Milestone | None:
    return next((m for m in (found if found is not None else milestones(campaign)) if m.date > as_of), None)


def may_organise(org: Org | None) -> bool:
    """A campaign is run by a political-legal committee, or by any unit with units under it (an intermediate
    court for its basic courts, a justice bureau for its offices), over its scope's cases."""
    if org is None:
        return False
    return org.kind == OrgKind.COMMITTEE or Org.objects.filter(superior=org).exists()


def cases_needed(settled: int, total: int, target: Decimal) -> int:
    """How many more settled cases reach `target` per cent of `total` (never negative)."""
    return max(0, math.ceil(Decimal(total) * target / 100 - settled))


def campaign_cases(user: User, campaign: Campaign) -> QuerySet[Case]:
    return visible_cases(user).filter(campaign_memberships__campaign=campaign)


def meets(row: dict[str, Any], target: Decimal | None) -> bool | None:
    if target is None or not row["total"]:
        return None
    return Decimal(row["settled"]) * 100 >= target * row["total"]


def chart_days(campaign: Campaign, as_of: dt.date, points: int = 12,
               found: list[Milestone] | None = None) -> list[dt.date]:
    """About `points` evenly spaced days (a week apart at least) from the campaign's start to `as_of` (or its
    end), with the milestone dates passed: each day is two filtered counts in the trend query."""
    last = min(as_of, campaign.ends_on)
    step = max(7, (last - campaign.starts_on).days // points)
    days = {last}
    day = campaign.starts_on
    while day < last:
        days.add(day)
        day += dt.timedelta(days=step)
    days.update(m.date for m in (found if found is not None else milestones(campaign)) if m.date <= last)
    return sorted(days)


def progress(user: User, campaign: Campaign, as_of: dt.date) -> dict[str, Any]:
    """The campaign as the user's scope sees it: the summary, each milestone met or missed, what the next one
    needs, each unit against the milestone in force. Every figure comes from the reports computation."""
    from qingji.reports.selectors import settlement_trend, summary

    units = visible_unit_ids(user)
    report = summary(org=user.org, campaign=campaign, as_of=as_of, units=units)
    found = milestones(campaign)
    passed = [m for m in found if m.date <= as_of]
    actual = {p["date"]: p for p in settlement_trend(units=units, campaign=campaign, days=[m.date for m in passed])}
    rows = []
    for m in found:
        point = actual.get(m.date.isoformat())
        rows.append({"month": m.month, "date": m.date, "target": m.target_rate, "passed": point is not None,
                     "actual": point["settlement_rate"] if point else None,
                     "met": meets(point, m.target_rate) if point else None})
    in_force = passed[-1] if passed else None
    coming = next((m for m in found if m.date > as_of), None)
    unit_rows = []
    for row in report["by_org"]:
        unit_rows.append({**row, "meets": meets(row, in_force.target_rate) if in_force else None,
                      "needed": cases_needed(row["settled"], row["total"], coming.target_rate) if coming else None})
    return {
        "report": report, "milestones": rows, "in_force": in_force, "next": coming, "units": unit_rows,
        "found": found,
        "needed": cases_needed(report["settled"], report["total"], coming.target_rate) if coming else None,
        "behind": in_force is not None and report["total"] > 0 and not meets(report, in_force.target_rate),
    }


def progress_chart(user: User, campaign: Campaign, as_of: dt.date, units: list[dict[str, Any]]) -> dict[str, Any]:
    """Actual settlement rate (all units and each unit) against the milestones, as an ECharts option. Each
    point is the reports computation as of that day (one grouped query gives every unit's figures)."""
    from qingji.reports import charts
    from qingji.reports.selectors import summary

    scope = visible_unit_ids(user)
    found = milestones(campaign)
    reports = [summary(org=user.org, campaign=campaign, as_of=day, units=scope)
               for day in chart_days(campaign, as_of, found=found)]
    option = charts.trend_line([{"date": r["as_of"], "settlement_rate": r["settlement_rate"]} for r in reports],
                               [{"date": m.date.isoformat(), "target": m.target_rate} for m in found])
    for unit in units[:8]:
        rates = [next((row["settlement_rate"] for row in r["by_org"] if row["org"] == unit["org"]), None)
                 for r in reports]
        option["series"].append({"type": "line", "name": unit["name"], "smooth": True, "showSymbol": False,
                                 "lineStyle": {"width": 1},
                                 "data": [[r["as_of"], float(v) if v is not None else None]
                                          for r, v in zip(reports, rates, strict=True)]})
    return option


def leading_group_head(case: Case) -> Official | None:
    """The head (组长) of the leading group of the campaign the case is in, the latest campaign first; None
    where the case is in no campaign with a head."""
    member = (LeadingGroupMember.objects.filter(role=GroupRole.HEAD, campaign__memberships__case=case)
              .select_related("official__account").order_by("-campaign__starts_on", "-campaign_id").first())
    return member.official if member is not None else None


def leading_group(campaign: Campaign) -> list[LeadingGroupMember]:
    """领导小组: the head, the deputies, the members, then the office, each in the order they were named."""
    order = {role: index for index, role in enumerate(GroupRole.values)}
    members = list(LeadingGroupMember.objects.filter(campaign=campaign).select_related("official__org"))
    return sorted(members, key=lambda m: (order[m.role], m.pk))


def group_candidates(campaign: Campaign) -> QuerySet[Official]:
    """The officials a campaign's leading group is drawn from: those of the organiser's scope."""
    return (Official.objects.filter(org__in=Org.objects.filter(org_scope_q(campaign.organiser)))
            .select_related("org").order_by("org__path", "pk"))
