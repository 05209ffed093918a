"""通报: compute every unit's figures as of a day (the reports computation), rank, compare with the
previous bulletin, commend and criticise by the campaign's rules, and freeze the result.

An issued bulletin is its snapshot: the page, the document and the next bulletin's comparison read
the stored JSON, never the ledger, so later edits to cases do not change it. The snapshot holds the rules
it was computed with (`rules`: every campaign key's value, `rules_from`: where each came from, and the
dated `milestones`), so a later change of the campaign's rules changes its next bulletin, not this one.

The rules (qingji/rules/keys.py): `bulletin.commend` is the top N units meeting the milestone in force, or
"over_milestone" (every unit that meets it); `bulletin.criticise` the bottom N below it, or
"under_milestone" (every unit below it). Before the first milestone is due, N ranks alone and the words
name nobody. A unit commended is never criticised in the same bulletin.
"""

import calendar
import datetime as dt
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
from qingji.campaigns.selectors import (
    CAMPAIGN_KEYS,
    leading_group,
    milestone_in_force,
    milestones_of,
    next_milestone,
)
from qingji.campaigns.services import require_manager
from qingji.ledger.models import Responsibility
from qingji.organisations.models import HEAD_TITLES, Official, Org
from qingji.reports.selectors import summary
from qingji.rules.selectors import RuleBook
from qingji.rules.services import rule_set


def _exact(row: dict[str, Any]) -> Decimal:
    return Decimal(row["settled"]) * 100 / row["total"] if row["total"] else Decimal(-1)


def rank_rows(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Settlement rate (exact) highest first; then fewer overdue; then more settled; then code."""
    ordered = sorted(rows, key=lambda r: (-_exact(r), r["overdue"], -r["settled"], r["org"]))
    return [{**row, "rank": index} for index, row in enumerate(ordered, start=1)]


def _change(now: Decimal, before: Decimal) -> str:
    return f"{(now - before).quantize(Decimal('0.1')):+.1f}"


def verdicts(ranked: list[dict[str, Any]], target: Decimal | None, commend: int | str,
             criticise: int | str) -> tuple[set[str], set[str]]:
    """The codes of the units commended and criticised, by `bulletin.commend` and `bulletin.criticise`."""
    def meets(row: dict[str, Any]) -> bool | None:
        return None if target is None else _exact(row) >= target

    if commend == "over_milestone":
        commended = {r["org"] for r in ranked if meets(r)}
    else:
        commended = {r["org"] for r in [r for r in ranked if meets(r) is not False][:int(commend)]}
    below = [r for r in ranked if r["org"] not in commended]
    if criticise == "under_milestone":
        criticised = {r["org"] for r in below if meets(r) is False}
    else:
        eligible = [r for r in below if meets(r) is not True]
        criticised = {r["org"] for r in eligible[len(eligible) - int(criticise):]} if int(criticise) else set()
    return commended, criticised


def bulletin_rules(campaign: Campaign, book: RuleBook | None = None) -> tuple[dict[str, Any], dict[str, str]]:
    """The campaign's rules in force now, and where each comes from: what the next bulletin is computed with."""
    book = book or RuleBook()
    resolved = {key: book.resolve(key, campaign=campaign) for key in CAMPAIGN_KEYS}
    return {k: r.value for k, r in resolved.items()}, {k: r.source for k, r in resolved.items()}


def _group(campaign: Campaign) -> list[dict[str, str]]:
    return [{"role": m.role, "name": m.official.name, "title": m.official.title, "org": m.official.org.name,
             "duty": m.duty} for m in leading_group(campaign)]


def compute(campaign: Campaign, as_of: dt.date, previous: Bulletin | None) -> dict[str, Any]:
    """The bulletin's figures and verdicts; the one summary computation gives every count."""
    report = summary(org=campaign.organiser, campaign=campaign, as_of=as_of)
    rules, sources = bulletin_rules(campaign)
    found = milestones_of(campaign.starts_on, rules["campaign.milestones"])
    milestone = milestone_in_force(campaign, as_of, found)
    coming = next_milestone(campaign, as_of, found)
    target = milestone.target_rate if milestone else None
    before = {r["org"]: r for r in previous.snapshot["rows"]} if previous else {}
    ranked = rank_rows(report["by_org"])
    commended, criticised = verdicts(ranked, target, rules["bulletin.commend"], rules["bulletin.criticise"])
    rows = []
    for row in ranked:
        prior = before.get(row["org"])
        is_criticised = row["org"] in criticised
        streak = ((prior.get("streak", 0) + 1 if prior and prior.get("criticised") else 1) if is_criticised
                  else 0)
        rows.append({
            **row, "meets_target": None if target is None else _exact(row) >= target,
            "rose": None if prior is None else _exact(row) > _exact(prior),
            "commended": row["org"] in commended, "criticised": is_criticised, "streak": streak,
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
        "milestone": milestone.as_json() if milestone else None,
        "next_milestone": coming.as_json() if coming else None,
        "milestones": [m.as_json() for m in found],
        "cadence": rules["bulletin.cadence"],
        "leading_group": _group(campaign),
        "totals": {"total": report["total"], "settled": report["settled"],
                   "settlement_rate": report["settlement_rate"], "overdue": sum(r["overdue"] for r in rows)},
        "rows": rows, "rules": rules, "rules_from": sources,
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

    campaign, rules = bulletin.campaign, bulletin.snapshot["rules"]
    due = bulletin.as_of + dt.timedelta(days=int(rules["bulletin.explanation_due_days"]))
    tasks = []
    orgs = {o.code: o for o in Org.objects.filter(code__in=[r["org"] for r in bulletin.snapshot["rows"]])}
    for row in bulletin.snapshot["rows"]:
        if row["streak"] < int(rules["bulletin.explanation_after"]):
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
    """Issue the next bulletin as of `as_of`. `cadence`, where it differs from the cadence in force, sets the
    campaign's own `bulletin.cadence` rule from this bulletin on (through the rule services: checked, versioned
    and audited, and refused to a role that may not change the campaign's rules)."""
    require_manager(actor, campaign, "bulletin.issue")
    campaign = Campaign.objects.select_for_update().select_related("organiser").get(pk=campaign.pk)
    previous = campaign.bulletins.order_by("-number").first()
    if previous is not None and as_of <= previous.as_of:
        raise ValidationError(_("Bulletin %(n)d is already as of %(date)s; a new one must be as of a later day.")
                              % {"n": previous.number, "date": previous.as_of})
    number = (previous.number + 1) if previous else 1
    if cadence and cadence != RuleBook().value("bulletin.cadence", campaign=campaign):
        if cadence not in Cadence.values:
            raise ValidationError(_("Unknown cadence."))
        rule_set(actor=actor, campaign=campaign, key="bulletin.cadence", value=cadence,
                 reason=_("Set when issuing bulletin No. %(n)d") % {"n": number})
    snapshot = compute(campaign, as_of, previous)
    bulletin = Bulletin.objects.create(campaign=campaign, number=number, as_of=as_of, cadence=snapshot["cadence"],
                                       snapshot=snapshot, issued_by=actor)
    bulletin.snapshot["number"] = bulletin.number
    Bulletin.objects.filter(pk=bulletin.pk).update(snapshot=bulletin.snapshot)
    _explanation_tasks(bulletin, actor)
    _tell_units(bulletin)
    audit_log(actor=actor, action="bulletin.issue", obj=bulletin,
              after={"as_of": as_of, "cadence": bulletin.cadence,
                     "commended": [r["org"] for r in snapshot["rows"] if r["commended"]],
                     "criticised": [r["org"] for r in snapshot["rows"] if r["criticised"]]})
    return bulletin


def next_bulletin_due(campaign: Campaign, book: RuleBook | None = None) -> dt.date | None:
    """After the last bulletin, by the campaign's `bulletin.cadence` in force now: a week later; the next
    half-month end (the 15th or the month's last day: the seeds' 每半个月通报一次 as calendar half-months); or
    a month later (the same day, or the month's end)."""
    last = campaign.bulletins.order_by("-number").first()
    if last is None:
        return None
    cadence = (book or RuleBook()).value("bulletin.cadence", campaign=campaign)
    if cadence == Cadence.WEEKLY:
        return last.as_of + dt.timedelta(days=7)
    if cadence == Cadence.HALF_MONTHLY:
        return half_month_end_after(last.as_of)
    return add_month(last.as_of)


def half_month_end_after(day: dt.date) -> dt.date:
    """The first 15th or last day of a month after `day`."""
    month_end = calendar.monthrange(day.year, day.month)[1]
    if day.day < 15:
        return day.replace(day=15)
    if day.day < month_end:
        return day.replace(day=month_end)
    return (day + dt.timedelta(days=1)).replace(day=15)


def add_month(day: dt.date) -> dt.date:
    year, month = (day.year + 1, 1) if day.month == 12 else (day.year, day.month + 1)
    last_day = calendar.monthrange(year, month)[1]
    month_end = day.day == calendar.monthrange(day.year, day.month)[1]
    return dt.date(year, month, last_day if month_end else min(day.day, last_day))
