"""通报: compute every unit's figures as of a day (the reports computation), rank, compare with the
previous bulletin, commend and criticise by the campaign's rules, and freeze the result.

An issued bulletin is its snapshot: the page, the document and the next bulletin's comparison read
the stored JSON, never the ledger, so later edits to cases do not change it.
"""

import datetime as dt
import math
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count
from django.urls import reverse
from django.utils.translation import gettext as _

from qingji.accounts.models import User
from qingji.audit.services import audit_log
from qingji.campaigns.models import Bulletin, Cadence, Campaign, ExplanationTask
from qingji.campaigns.selectors import milestone_in_force, next_milestone
from qingji.campaigns.services import require_manager
from qingji.ledger.models import Responsibility
from qingji.organisations.models import Official, Org
from qingji.reports.selectors import summary

HEAD_TITLES = ("院长", "检察长", "局长", "主任", "书记", "区长", "县长", "镇长", "乡长")


def _exact(row: dict[str, Any]) -> Decimal:
    return Decimal(row["settled"]) * 100 / row["total"] if row["total"] else Decimal(-1)


def rank_rows(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Settlement rate (exact) highest first; then fewer overdue; then more settled; then code."""
    ordered = sorted(rows, key=lambda r: (-_exact(r), r["overdue"], -r["settled"], r["org"]))
    return [{**row, "rank": index} for index, row in enumerate(ordered, start=1)]


def _change(now: Decimal, before: Decimal) -> str:
    return f"{(now - before).quantize(Decimal('0.1')):+.1f}"


def _verdicts(row: dict[str, Any], previous: dict[str, Any] | None, count: int, target: Decimal | None,
              campaign: Campaign) -> dict[str, Any]:
    top = math.ceil(count * Decimal(campaign.rule("commend_top_share")) / 100)
    bottom = math.ceil(count * Decimal(campaign.rule("criticise_bottom_share")) / 100)
    meets = None if target is None else _exact(row) >= target
    rose = None if previous is None else _exact(row) > _exact(previous)
    in_bottom = row["rank"] > count - bottom
    commended = bool(meets) and row["rank"] <= top
    no_rise = bool(campaign.rule("criticise_if_no_rise")) and rose is False
    criticised = meets is False and (no_rise or in_bottom) and not commended
    streak = (previous.get("streak", 0) + 1 if previous and previous.get("criticised") else 1) if criticised else 0
    return {"meets_target": meets, "rose": rose, "commended": commended, "criticised": criticised,
            "streak": streak}


def compute(campaign: Campaign, as_of: dt.date, previous: Bulletin | None) -> dict[str, Any]:
    """The bulletin's figures and verdicts; the one summary computation gives every count."""
    report = summary(org=campaign.organiser, campaign=campaign, as_of=as_of)
    milestone = milestone_in_force(campaign, as_of)
    coming = next_milestone(campaign, as_of)
    target = milestone.target_rate if milestone else None
    before = {r["org"]: r for r in previous.snapshot["rows"]} if previous else {}
    ranked = rank_rows(report["by_org"])
    rows = []
    for row in ranked:
        prior = before.get(row["org"])
        verdict = _verdicts(row, prior, len(ranked), target, campaign)
        rows.append({
            **row, **verdict,
            "previous_rate": prior["settlement_rate"] if prior else None,
            "rate_change": _change(_exact(row), _exact(prior)) if prior and prior["total"] and row["total"]
            else None,
            "previous_rank": prior["rank"] if prior else None,
            "rank_change": prior["rank"] - row["rank"] if prior else None,
        })
    return {
        "campaign": {"code": campaign.code, "name": campaign.name, "organiser": campaign.organiser.name},
        "as_of": as_of.isoformat(), "previous": previous.number if previous else None,
        "previous_as_of": previous.as_of.isoformat() if previous else None,
        "milestone": {"date": milestone.date.isoformat(), "target": str(target)} if milestone else None,
        "next_milestone": {"date": coming.date.isoformat(), "target": str(coming.target_rate)} if coming else None,
        "totals": {"total": report["total"], "settled": report["settled"],
                   "settlement_rate": report["settlement_rate"], "overdue": sum(r["overdue"] for r in rows)},
        "rows": rows, "rules": {k: campaign.rule(k) for k in ("commend_top_share", "criticise_bottom_share",
                                                               "criticise_if_no_rise", "explanation_after",
                                                               "explanation_due_days")},
        "report": report,
    }


def unit_head(org: Org) -> Official | None:
    """第一责任人 ("一把手"): the official with a head's title (院长, 检察长, 局长…), else the one most often named
    head of unit on the unit's cases, else the unit's first official."""
    officials = list(Official.objects.filter(org=org).order_by("pk"))
    heads = [o for o in officials if o.title in HEAD_TITLES or (o.title.endswith("书记") and "副" not in o.title)]
    if heads:
        return heads[0]
    named = (Responsibility.objects.filter(case__handling_org=org, head_of_unit__isnull=False)
             .values("head_of_unit").annotate(n=Count("id")).order_by("-n", "head_of_unit").first())
    if named is not None:
        return Official.objects.get(pk=named["head_of_unit"])
    return officials[0] if officials else None


def _explanation_tasks(bulletin: Bulletin, actor: User | None) -> list[ExplanationTask]:
    from qingji.supervision.services import notify, official_users

    campaign = bulletin.campaign
    due = bulletin.as_of + dt.timedelta(days=int(campaign.rule("explanation_due_days")))
    tasks = []
    orgs = {o.code: o for o in Org.objects.filter(code__in=[r["org"] for r in bulletin.snapshot["rows"]])}
    for row in bulletin.snapshot["rows"]:
        if row["streak"] < int(campaign.rule("explanation_after")):
            continue
        org = orgs[row["org"]]
        head = unit_head(org)
        task = ExplanationTask.objects.create(campaign=campaign, bulletin=bulletin, org=org, head=head, due_on=due)
        tasks.append(task)
        audit_log(actor=actor, action="explanation.require", obj=task,
                  after={"org": org.code, "bulletin": bulletin.number, "due_on": due})
        notify(users=official_users([head], org), key=f"explanation:{task.pk}", kind="explanation",
               title=_("%(unit)s was criticised in %(n)d consecutive bulletins: a written explanation is due "
                       "by %(date)s") % {"unit": org.name, "n": row["streak"], "date": due},
               url=reverse("campaigns:explanations"))
    return tasks


def _tell_units(bulletin: Bulletin) -> None:
    """Each commended or criticised unit hears of it in its notifications."""
    from qingji.supervision.services import notify, unit_users

    url = reverse("campaigns:bulletin", args=[bulletin.campaign.code, bulletin.number])
    orgs = {o.code: o for o in Org.objects.filter(code__in=[r["org"] for r in bulletin.snapshot["rows"]])}
    for row in bulletin.snapshot["rows"]:
        if not (row["commended"] or row["criticised"]):
            continue
        title = (_("%(unit)s is commended in bulletin No. %(n)d of %(campaign)s") if row["commended"]
                 else _("%(unit)s is criticised in bulletin No. %(n)d of %(campaign)s"))
        notify(users=unit_users(orgs[row["org"]]), key=f"bulletin:{bulletin.pk}:{row['org']}", kind="bulletin",
               title=title % {"unit": row["name"], "n": bulletin.number, "campaign": bulletin.campaign.name},
               url=url)


@transaction.atomic
def bulletin_issue(*, actor: User | None, campaign: Campaign, as_of: dt.date, cadence: str | None = None) -> Bulletin:
    """Issue the next bulletin as of `as_of`; `cadence` switches the campaign's cadence from this one on."""
    require_manager(actor, campaign, "bulletin.issue")
    given, campaign = campaign, Campaign.objects.select_for_update().get(pk=campaign.pk)
    previous = campaign.bulletins.order_by("-number").first()
    if previous is not None and as_of <= previous.as_of:
        raise ValidationError(_("Bulletin %(n)d is already as of %(date)s; a new one must be as of a later day.")
                              % {"n": previous.number, "date": previous.as_of})
    if cadence and cadence != campaign.bulletin_cadence:
        if cadence not in Cadence.values:
            raise ValidationError(_("Unknown cadence."))
        audit_log(actor=actor, action="campaign.cadence", obj=campaign,
                  before={"cadence": campaign.bulletin_cadence}, after={"cadence": cadence})
        campaign.bulletin_cadence = cadence
        campaign.save(update_fields=["bulletin_cadence"])
        given.bulletin_cadence = cadence
    snapshot = compute(campaign, as_of, previous)
    bulletin = Bulletin.objects.create(campaign=campaign, number=(previous.number + 1) if previous else 1,
                                       as_of=as_of, cadence=campaign.bulletin_cadence, snapshot=snapshot,
                                       issued_by=actor)
    bulletin.snapshot["number"] = bulletin.number
    Bulletin.objects.filter(pk=bulletin.pk).update(snapshot=bulletin.snapshot)
    _explanation_tasks(bulletin, actor)
    _tell_units(bulletin)
    audit_log(actor=actor, action="bulletin.issue", obj=bulletin,
              after={"as_of": as_of, "cadence": bulletin.cadence,
                     "commended": [r["org"] for r in snapshot["rows"] if r["commended"]],
                     "criticised": [r["org"] for r in snapshot["rows"] if r["criticised"]]})
    return bulletin


def next_bulletin_due(campaign: Campaign) -> dt.date | None:
    """After the last bulletin: a month later (the same day, or the month's end) or a week later."""
    last = campaign.bulletins.order_by("-number").first()
    if last is None:
        return None
    if campaign.bulletin_cadence == Cadence.WEEKLY:
        return last.as_of + dt.timedelta(days=7)
    return add_month(last.as_of)


def add_month(day: dt.date) -> dt.date:
    import calendar

    year, month = (day.year + 1, 1) if day.month == 12 else (day.year, day.month + 1)
    last_day = calendar.monthrange(year, month)[1]
    month_end = day.day == calendar.monthrange(day.year, day.month)[1]
    return dt.date(year, month, last_day if month_end else min(day.day, last_day))

