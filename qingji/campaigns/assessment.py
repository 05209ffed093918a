"""考核: a score per unit at the end of a campaign, from configurable weights, with the veto (一票否决).

Components (each 0–100): settlement rate; overdue (share of cases not overdue); rebound (share of cases not
reopened: the summary's rebound count of the unit); sample-check pass rate from the lifecycle part when it is
installed; bulletins (100, less `assessment.criticism_penalty` per criticism, plus `assessment.commendation_bonus`
per commendation, within 0–100). A component that cannot be computed is left out and the remaining weights
count. The weights, the penalty, the bonus and the veto events are the campaign's rules in force
(`assessment.*`, qingji/rules), the campaign's own set first.
"""

import datetime as dt
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.utils.translation import gettext_lazy as _

from qingji.campaigns.models import AssessmentVeto, Campaign
from qingji.organisations.models import Org
from qingji.reports.selectors import summary
from qingji.rules.selectors import RuleBook

# The events `assessment.veto` may name (qingji/rules/keys.py ESCALATIONS); recording them is a later issue's.
VETO_EVENTS = {
    "beijing": _("Petition in Beijing (进京访)"), "beijing_abnormal": _("Abnormal petition in Beijing (进京非正常访)"),
    "provincial": _("Petition at the province (赴省访)"), "level_skipping": _("Level-skipping petition (越级访)"),
    "group": _("Group petition (集体访)"),
}


def lifecycle_sources() -> dict[str, Any]:
    """The lifecycle part's selectors, when it is installed."""
    try:
        from qingji.lifecycle import selectors
    except ImportError:
        return {}
    found = {}
    for name in ("sample_check_pass_rates",):
        if hasattr(selectors, name):
            found[name] = getattr(selectors, name)
    return found


def _clamp(value: Decimal) -> Decimal:
    return max(Decimal(0), min(Decimal(100), value))


def _bulletin_component(campaign: Campaign, as_of: dt.date, penalty: Decimal, bonus: Decimal) -> dict[str, Decimal]:
    scores: dict[str, Decimal] = {}
    for bulletin in campaign.bulletins.filter(as_of__lte=as_of):
        for row in bulletin.snapshot["rows"]:
            score = scores.setdefault(row["org"], Decimal(100))
            score -= penalty if row["criticised"] else 0
            score += bonus if row["commended"] else 0
            scores[row["org"]] = score
    return {code: _clamp(score) for code, score in scores.items()}


def assessment(campaign: Campaign, as_of: dt.date) -> dict[str, Any]:
    book = RuleBook()
    rules = {key: book.resolve(key, campaign=campaign) for key in (
        "assessment.weights", "assessment.criticism_penalty", "assessment.commendation_bonus", "assessment.veto")}
    penalty = Decimal(str(rules["assessment.criticism_penalty"].value))
    bonus = Decimal(str(rules["assessment.commendation_bonus"].value))
    report = summary(org=campaign.organiser, campaign=campaign, as_of=as_of)
    orgs = {o.code: o for o in Org.objects.filter(code__in=[r["org"] for r in report["by_org"]])}
    ids = [o.pk for o in orgs.values()]
    lifecycle = lifecycle_sources()
    passes = lifecycle["sample_check_pass_rates"](ids, as_of=as_of) if "sample_check_pass_rates" in lifecycle \
        else None
    bulletins = _bulletin_component(campaign, as_of, penalty, bonus) \
        if campaign.bulletins.filter(as_of__lte=as_of).exists() else None
    vetoes = {v.org_id: v.reason for v in AssessmentVeto.objects.filter(campaign=campaign)}
    weights = {k: Decimal(str(v)) for k, v in rules["assessment.weights"].value.items()}
    rows = []
    for row in report["by_org"]:
        org = orgs[row["org"]]
        total = Decimal(row["total"])
        parts: dict[str, Decimal | None] = {
            "settlement_rate": Decimal(row["settled"]) * 100 / total,
            "overdue": 100 - Decimal(row["overdue"]) * 100 / total,
            "rebound": _clamp(100 - Decimal(row["rebound"]) * 100 / total),
            "sample_check": Decimal(passes[org.pk]) if passes is not None and passes.get(org.pk) is not None
            else None,
            "bulletins": bulletins.get(row["org"], Decimal(100)) if bulletins is not None else None,
        }
        counted = {k: v for k, v in parts.items() if v is not None and weights.get(k)}
        weight = sum(weights[k] for k in counted)
        score = sum(weights[k] * v for k, v in counted.items()) / weight if weight else None
        rows.append({
            "org": row["org"], "name": row["name"], "total": row["total"], "settled": row["settled"],
            "overdue": row["overdue"], "settlement_rate": row["settlement_rate"],
            "components": {k: _text(v) for k, v in parts.items()},
            "score": _text(score), "veto": vetoes.get(org.pk), "org_id": org.pk,
        })
    rows.sort(key=lambda r: (r["veto"] is not None, -Decimal(r["score"] or -1), r["org"]))
    return {"as_of": as_of.isoformat(), "weights": {k: str(v) for k, v in weights.items()}, "rows": rows,
            "penalty": str(penalty), "bonus": str(bonus), "veto_events": list(rules["assessment.veto"].value),
            "rules_from": {key: resolved.source for key, resolved in rules.items()},
            "absent": [k for k, missing in (("sample_check", passes is None), ("bulletins", bulletins is None))
                       if missing]}


def _text(value: Decimal | None) -> str | None:
    return None if value is None else f"{value.quantize(Decimal('0.1'), rounding=ROUND_HALF_UP):.1f}"
