"""The dashboard's figures: stat cards, the settlement-rate trend, rates by unit, my tasks."""

import datetime as dt
from typing import Any

from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from qingji.accounts.models import User
from qingji.accounts.roles import has_capability
from qingji.ledger.filters import due_soon_q
from qingji.ledger.models import OPEN_STATUSES
from qingji.ledger.selectors import visible_cases, visible_unit_ids
from qingji.reports import charts
from qingji.reports.selectors import settlement_trend, summary, week_ends
from qingji.reports.views import ledger_link
from qingji.rules.selectors import RuleBook
from qingji.web.dashboard import Panel, register_panel


def figures_panel(user: User) -> dict[str, Any] | None:
    if not has_capability(user, "report.view"):
        return None
    today = timezone.localdate()
    cases = visible_cases(user)
    units = visible_unit_ids(user)
    book = RuleBook()
    report = summary(org=user.org, as_of=today, units=units, book=book)
    # Due soon: within the days of each handling unit's rule `deadline.due_soon_days`, as the ledger's filter.
    due_week = cases.filter(due_soon_q(today, book=book), status__in=OPEN_STATUSES).count()
    orgs = report["by_org"]
    return {
        "report": report, "overdue": sum(r["overdue"] for r in orgs), "due_week": due_week,
        "links": {"total": ledger_link(report), "settled": ledger_link(report, status="closed_settled"),
                  "open": ledger_link(report, status="open"),
                  "overdue": ledger_link(report, status="open", deadline="overdue"),
                  "due_week": ledger_link(report, status="open", deadline="due7")},
        "trend_chart": charts.trend_line(_trend(units, today, report), _milestones(user)),
        "org_chart": charts.rate_bar(orgs, "name", lambda r: ledger_link(report, org=r["org"]), horizontal=True)
        if len(orgs) > 1 else None,
    }


def _trend(units: list[int], today: dt.date, report: dict[str, Any]) -> list[dict[str, Any]]:
    """The last twelve Sundays (checkpoints, read as they are) and today, which the summary has counted already."""
    past = [day for day in week_ends(today) if day != today]
    today_point = {"date": today.isoformat(), "total": report["total"], "settled": report["settled"],
                   "settlement_rate": report["settlement_rate"]}
    return [*settlement_trend(units=units, days=past), today_point]


def _milestones(user: User) -> list[dict[str, Any]]:
    """The milestones (`campaign.milestones`, dated from each campaign's start) of the campaigns the user's unit
    runs, for the trend chart."""
    from qingji.campaigns.models import Campaign
    from qingji.campaigns.selectors import milestones

    book = RuleBook()
    found = [m for campaign in Campaign.objects.filter(organiser=user.org) for m in milestones(campaign, book)]
    return [{"date": m.date.isoformat(), "target": m.target_rate} for m in sorted(found, key=lambda m: m.date)]


def tasks_panel(user: User) -> dict[str, Any] | None:
    """Open cases where the user is the lead official or a handler, due soon (by their unit's rule) or overdue."""
    official = getattr(user, "official", None)
    if official is None or not has_capability(user, "case.view"):
        return None
    today = timezone.localdate()
    mine = (visible_cases(user)
            .filter(Q(responsibility__lead_official=official) | Q(responsibility__handlers=official))
            .filter(status__in=OPEN_STATUSES, deadline__isnull=False)
            .filter(Q(deadline__lt=today) | due_soon_q(today, book=RuleBook()))
            .select_related("handling_org").distinct().order_by("deadline")[:20])
    return {"cases": list(mine), "today": today, "title": _("My tasks")}


register_panel(Panel("reports/_dashboard_figures.html", figures_panel, order=10))
register_panel(Panel("reports/_dashboard_tasks.html", tasks_panel, order=30, width="col-lg-6"))
