"""A campaign's rules move into its campaign rule set (qingji/rules, issue #18).

Before: `Campaign.bulletin_cadence`, `Campaign.rules` (commend_top_share, criticise_bottom_share,
criticise_if_no_rise, explanation_after, explanation_due_days), `Campaign.weights` and the `Milestone` rows
(a date and a target rate). After: the campaign's own rule values (`bulletin.cadence`, `bulletin.commend`,
`bulletin.criticise`, `bulletin.explanation_after`, `bulletin.explanation_due_days`, `assessment.weights`,
`campaign.milestones`), each with a RuleChange of reason "migrated".

A value is moved where it differs from the key's default: before this migration no rule set existed, so
what a campaign inherits is the default, and a campaign that kept a default goes on following its
organiser's rules. Conversions (`campaign_values`, tested in tests/campaigns/test_rules_migration.py):
- a milestone's date becomes its month counted from the campaign's start, rounded up (the first m whose end,
  start + m months − 1 day, is on or after the date); two dates in one month keep the higher rate, and a rate
  lower than an earlier month's is raised to it (the rule refuses a falling target). A campaign without
  milestones had none: it gets an empty list rather than the default 65/85/90/95.
- the shares of units commended and criticised (per cent) become counts over the units the campaign holds
  cases of (rounded up); criticise_if_no_rise (below the milestone and no rise) becomes "under_milestone",
  every unit below it, the nearest of the new rule's values.
- the weights are the old defaults overridden by the campaign's own.
"""

import datetime as dt
import math
from decimal import Decimal
from typing import Any

from django.db import migrations, models
from django.utils import timezone

OLD_RULES = {"commend_top_share": 25, "criticise_bottom_share": 25, "criticise_if_no_rise": True,
             "explanation_after": 2, "explanation_due_days": 10}
OLD_WEIGHTS = {"settlement_rate": 50, "overdue": 15, "rebound": 15, "sample_check": 10, "bulletins": 10}
# The defaults of qingji/rules/keys.py as of this migration.
DEFAULTS: dict[str, Any] = {
    "campaign.milestones": [{"month": 1, "rate": 65}, {"month": 2, "rate": 85}, {"month": 3, "rate": 90},
                            {"month": 4, "rate": 95}],
    "bulletin.cadence": "monthly", "bulletin.commend": 3, "bulletin.criticise": "under_milestone",
    "bulletin.explanation_after": 2, "bulletin.explanation_due_days": 10,
    "assessment.weights": OLD_WEIGHTS,
}


def _add_months(day: dt.date, months: int) -> dt.date:
    import calendar

    month = day.month - 1 + months
    year, month = day.year + month // 12, month % 12 + 1
    return dt.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def month_of(starts_on: dt.date, day: dt.date) -> int:
    """The campaign month whose end (start + m months − 1 day) is the first on or after `day` (at least 1)."""
    month = 1
    while _add_months(starts_on, month) - dt.timedelta(days=1) < day and month < 120:
        month += 1
    return month


def _number(value: Any) -> int | float:
    number = Decimal(str(value))
    return int(number) if number == number.to_integral_value() else float(number)


def milestones_from_dates(starts_on: dt.date, dated: list[tuple[dt.date, Any]]) -> list[dict[str, Any]]:
    by_month: dict[int, Decimal] = {}
    for day, rate in sorted(dated):
        month = month_of(starts_on, day)
        by_month[month] = max(by_month.get(month, Decimal(0)), Decimal(str(rate)))
    found, highest = [], Decimal(0)
    for month in sorted(by_month):
        highest = max(highest, by_month[month])
        found.append({"month": month, "rate": _number(highest)})
    return found


def campaign_values(*, starts_on: dt.date, cadence: str, rules: dict[str, Any], weights: dict[str, Any],
                    milestones: list[tuple[dt.date, Any]], units: int) -> dict[str, Any]:
    """The rule values a campaign of the old shape sets for itself: those that differ from the default."""
    old = {**OLD_RULES, **(rules or {})}
    values: dict[str, Any] = {
        "campaign.milestones": milestones_from_dates(starts_on, milestones),
        "bulletin.cadence": cadence if cadence in ("weekly", "half_monthly", "monthly") else "monthly",
        "bulletin.explanation_after": max(1, min(24, int(old["explanation_after"]))),
        "bulletin.explanation_due_days": max(1, min(90, int(old["explanation_due_days"]))),
        "assessment.weights": {k: _number(v) for k, v in {**OLD_WEIGHTS, **(weights or {})}.items()
                               if k in OLD_WEIGHTS},
    }
    if units:
        values["bulletin.commend"] = min(100, math.ceil(units * Decimal(str(old["commend_top_share"])) / 100))
        values["bulletin.criticise"] = "under_milestone" if old["criticise_if_no_rise"] else \
            min(100, math.ceil(units * Decimal(str(old["criticise_bottom_share"])) / 100))
    return {key: value for key, value in values.items() if value != DEFAULTS[key]}


def forwards(apps: Any, schema_editor: Any) -> None:
    Campaign = apps.get_model("campaigns", "Campaign")
    Milestone = apps.get_model("campaigns", "Milestone")
    CampaignCase = apps.get_model("campaigns", "CampaignCase")
    RuleValue = apps.get_model("rules", "RuleValue")
    RuleChange = apps.get_model("rules", "RuleChange")
    now = timezone.now()
    for campaign in Campaign.objects.order_by("pk"):
        dated = list(Milestone.objects.filter(campaign=campaign).values_list("date", "target_rate"))
        units = CampaignCase.objects.filter(campaign=campaign).values("case__handling_org").distinct().count()
        values = campaign_values(starts_on=campaign.starts_on, cadence=campaign.bulletin_cadence,
                                 rules=campaign.rules, weights=campaign.weights, milestones=dated, units=units)
        for key, value in values.items():
            if RuleValue.objects.filter(campaign=campaign, key=key).exists():
                continue
            RuleValue.objects.create(campaign=campaign, key=key, value=value)
            RuleChange.objects.create(campaign=campaign, key=key, old=None, new=value, reason="migrated",
                                      changed_at=now)


class Migration(migrations.Migration):

    dependencies = [
        ('campaigns', '0003_leading_group'),
        ('rules', '0001_initial'),
    ]

    operations = [
        migrations.RunPython(forwards, migrations.RunPython.noop),
        migrations.RemoveField(model_name='campaign', name='bulletin_cadence'),
        migrations.RemoveField(model_name='campaign', name='rules'),
        migrations.RemoveField(model_name='campaign', name='weights'),
        migrations.DeleteModel(name='Milestone'),
        migrations.AlterField(
            model_name='bulletin', name='cadence',
            field=models.CharField(choices=[('monthly', 'Monthly'), ('half_monthly', 'Half-monthly'),
                                            ('weekly', 'Weekly')], max_length=12, verbose_name='cadence'),
        ),
        migrations.AlterField(
            model_name='campaign', name='organiser',
            field=models.ForeignKey(on_delete=models.deletion.PROTECT, related_name='campaigns',
                                    to='organisations.org', verbose_name='organiser'),
        ),
    ]
