"""How the page 地方规则设置 shows a rule: the words for its codes, its explanation, an example of its value,
and the value itself laid out readably (lists as tables, chains as steps with who decides, yes/no).

Only presentation lives here: the keys, their defaults and the checks of a value are in `qingji.rules.keys`.
"""

import json
from dataclasses import dataclass, field
from typing import Any

from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext, pgettext

from qingji.organisations.models import OrgKind, OrgLevel
from qingji.rules.keys import KEYS

Label = str | Promise

STEP_LABELS: dict[str, Label] = {
    "unit_leader": gettext_lazy("Approval by the handling unit's leader"),
    "committee": gettext_lazy("Acceptance by the supervising committee"),
    "review_panel": gettext_lazy("Opinion of the termination review panel"),
    "adjudication_committee": gettext_lazy("Decision of the adjudication committee"),
    "leading_group": gettext_lazy("Sign-off by the head of the leading group"),
    "unit_review": gettext_lazy("Review by the handling unit's leader"),
    "committee_review": gettext_lazy("Review by the supervising committee"),
    "approving_body": gettext_lazy("Approval by the approving body"),
}
DECIDER_LABELS: dict[str, Label] = {
    "handling_unit": gettext_lazy("the handling unit"),
    "intermediate_court": gettext_lazy("the intermediate court over the handling court"),
    "supervising_committee": gettext_lazy("the committee that supervises the unit"),
}
PRECONDITION_LABELS: dict[str, Label] = {
    "responsibility": gettext_lazy("A leader is in charge of the case"),
    "hearing": gettext_lazy("A public hearing is in the work log"),
    "review": gettext_lazy("An underlying matter has been reviewed"),
    "exhausted": gettext_lazy("The petition went through handling, review and re-review"),
}
CRITERION_LABELS: dict[str, Label] = {
    "settlement_rate": gettext_lazy("Settlement rate"),
    "overdue": gettext_lazy("Overdue cases"),
    "rebound": gettext_lazy("Cases petitioned again"),
    "sample_check": gettext_lazy("Sample-check pass rate"),
    "bulletins": gettext_lazy("Bulletins"),
}
ESCALATION_LABELS: dict[str, Label] = {
    "beijing": gettext_lazy("Petition in Beijing"),
    "beijing_abnormal": gettext_lazy("Abnormal petition in Beijing"),
    "provincial": gettext_lazy("Petition to the province"),
    "level_skipping": gettext_lazy("Level-skipping petition"),
    "group": gettext_lazy("Group petition"),
}
CADENCE_LABELS: dict[str, Label] = {
    "weekly": gettext_lazy("Weekly"),
    "half_monthly": gettext_lazy("Every half month"),
    "monthly": gettext_lazy("Monthly"),
}
VERDICT_WORDS: dict[str, Label] = {
    "over_milestone": gettext_lazy("Everyone over the milestone"),
    "under_milestone": gettext_lazy("Everyone under the milestone"),
}

EXPLANATIONS: dict[str, Label] = {
    "sources": gettext_lazy(
        "Who handed a case down: offered by the case form, the filters, the import and the export. Add a body's "
        "own source with a new code; a source in use is retired (\"active\": false), never removed."),
    "categories": gettext_lazy(
        "The kinds of problem a case is about. Add one with a new code, relabel one by changing its label; a "
        "category in use is retired (\"active\": false), never removed."),
    "closure.steps": gettext_lazy(
        "Who approves a closure request, in order: unit_leader (the handling unit's leader) and committee (the "
        "supervising committee, which decides settled or not). Drop one to skip it."),
    "termination.chains": gettext_lazy(
        "The steps of a termination for each kind of unit, each with who decides it: handling_unit, "
        "intermediate_court, supervising_committee, or unit:<kind>:<level> (the unit of that kind and level "
        "above the handling unit). Every chain ends with approving_body. Give only the kinds you change: the "
        "others keep the inherited chain. A termination under way keeps the steps it started with."),
    "termination.requires": gettext_lazy(
        "What a termination proposal needs before it is accepted: responsibility (a leader is in charge), "
        "hearing (a public hearing in the work log), review (an underlying matter reviewed), exhausted (handling, "
        "review and re-review all done)."),
    "termination.counts_as_settled": gettext_lazy("Whether a terminated case counts as closed and settled."),
    "follow_up.months": gettext_lazy(
        "When the follow-up visits after a closure are due, in whole months after it. A change applies to the "
        "next closures, not to visits already scheduled."),
    "deadline.due_soon_days": gettext_lazy("A case whose deadline is this many days away or less is due soon."),
    "hand_down.acknowledge_days": gettext_lazy("Days a unit has to acknowledge a case handed down to it."),
    "hand_down.deadline_days": gettext_lazy("The deadline proposed when a case is handed down, in days."),
    "supervision.half_time": gettext_lazy(
        "Remind the unit when half the time to the deadline has gone and no work is recorded."),
    "supervision.escalate": gettext_lazy("Tell the committee above when a reminder stays unanswered."),
    "supervision.reopened": gettext_lazy("Notify when a closed case is petitioned again."),
    "supervision.reopened_lookback_days": gettext_lazy("How many days back a reopening is notified."),
    "campaign.milestones": gettext_lazy(
        "The staged targets of a campaign: the settlement rate to reach by the end of each month counted from "
        "the campaign's start. A change applies to the progress page and the next bulletin, not to bulletins "
        "already issued."),
    "bulletin.cadence": gettext_lazy("How often a campaign's bulletins are issued."),
    "bulletin.commend": gettext_lazy(
        "Which units a bulletin commends: the top N units, or every unit over the milestone in force."),
    "bulletin.criticise": gettext_lazy(
        "Which units a bulletin criticises: the bottom N units, or every unit under the milestone in force."),
    "bulletin.explanation_after": gettext_lazy(
        "A unit criticised in this many bulletins in a row owes a written explanation and gets a rectification "
        "order."),
    "bulletin.explanation_due_days": gettext_lazy("Days a unit has to submit its written explanation."),
    "assessment.weights": gettext_lazy(
        "The weight of each criterion in the final assessment: settlement_rate, overdue, rebound, sample_check, "
        "bulletins."),
    "assessment.criticism_penalty": gettext_lazy("Points taken from a unit's assessment for each criticism."),
    "assessment.commendation_bonus": gettext_lazy("Points added to a unit's assessment for each commendation."),
    "assessment.veto": gettext_lazy(
        "Events that void a unit's rating (one-vote veto): beijing, beijing_abnormal, provincial, level_skipping, "
        "group."),
    "watch.sensitive_periods": gettext_lazy(
        "Dates when the risk of escalation is watched closely, each with a name, its first and last day and, "
        "if you like, a level from 1 (highest) to 3."),
}

# What a structured value looks like, as the form's example: the defaults where they show the shape, a body's
# own additions (the seeds') where the default is long or empty.
EXAMPLES: dict[str, Any] = {
    "sources": [{"code": "leader_instruction", "label": "领导批示", "active": False},
                {"code": "city_window", "label": "市涉法涉诉窗口", "active": True}],
    "categories": [{"code": "land_acquisition", "label": "土地征收", "active": True},
                   {"code": "environment", "label": "环境污染", "active": True}],
    "closure.steps": ["unit_leader", "committee"],
    "termination.chains": {"court": [{"code": "review_panel", "decided_by": "intermediate_court"},
                                     {"code": "adjudication_committee", "decided_by": "intermediate_court"},
                                     {"code": "leading_group", "decided_by": "intermediate_court"},
                                     {"code": "approving_body", "decided_by": "unit:committee:province"}]},
    "termination.requires": ["responsibility", "hearing", "exhausted"],
    "follow_up.months": [1, 3, 6],
    "campaign.milestones": [{"month": 1, "rate": 30}, {"month": 2, "rate": 50}, {"month": 3, "rate": 80},
                            {"month": 4, "rate": 95}],
    "assessment.weights": {"settlement_rate": 60, "overdue": 10, "rebound": 10, "sample_check": 10, "bulletins": 10},
    "assessment.veto": ["beijing_abnormal", "group"],
    "watch.sensitive_periods": [{"name": "全国两会", "from": "2026-03-03", "to": "2026-03-15", "level": 1}],
}


def as_json(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, indent=2)


def decider_label(code: str) -> str:
    if code.startswith("unit:"):
        _unit, kind, level = code.split(":")
        return _("the %(level)s %(kind)s above the unit") % {
            "level": str(dict(OrgLevel.choices).get(level, level)).lower(),
            "kind": str(dict(OrgKind.choices).get(kind, kind)).lower()}
    return str(DECIDER_LABELS.get(code, code))


def _label(labels: dict[str, Label], code: str) -> str:
    return str(labels.get(code, code))


def yes_no(value: bool) -> str:
    return _("Yes") if value else _("No")


@dataclass
class Shown:
    """A value laid out for the template: `text` (one line), `items` (a numbered or plain list), `table`
    (headers and rows) or `chains` (a kind of unit and its steps with who decides)."""

    text: str = ""
    items: list[str] = field(default_factory=list)
    ordered: bool = False
    headers: list[str] = field(default_factory=list)
    rows: list[list[str]] = field(default_factory=list)
    chains: list[dict[str, Any]] = field(default_factory=list)


def _vocabulary(value: list[dict[str, Any]]) -> Shown:
    return Shown(headers=[pgettext("rule entry", "Code"), _("Label"), _("Offered")],
                 rows=[[e["code"], e["label"], yes_no(e.get("active", True)) if e.get("active", True)
                        else _("No (retired)")] for e in value])


def _chains(value: dict[str, list[dict[str, str]]]) -> Shown:
    kinds = dict(OrgKind.choices)
    return Shown(chains=[{"kind": kinds.get(kind, kind), "code": kind,
                          "steps": [{"label": _label(STEP_LABELS, s["code"]), "code": s["code"],
                                     "decided_by": decider_label(s["decided_by"])} for s in steps]}
                         for kind, steps in value.items()])


def _verdict(value: int | str, top: bool) -> str:
    if isinstance(value, str):
        return _label(VERDICT_WORDS, value)
    if top:
        return ngettext("The top %(n)d unit", "The top %(n)d units", value) % {"n": value}
    return ngettext("The bottom %(n)d unit", "The bottom %(n)d units", value) % {"n": value}


def _months(value: list[int]) -> Shown:
    if not value:
        return Shown(text=_("None"))
    separator = pgettext("list separator", ", ")
    return Shown(text=separator.join(ngettext("%(n)d month", "%(n)d months", m) % {"n": m} for m in value))


def present(key: str, value: Any) -> Shown:
    """The value of `key` laid out readably."""
    if key in ("sources", "categories"):
        return _vocabulary(value)
    if key == "closure.steps":
        return Shown(items=[_label(STEP_LABELS, s) for s in value], ordered=True)
    if key == "termination.chains":
        return _chains(value)
    if key == "termination.requires":
        return Shown(items=[_label(PRECONDITION_LABELS, c) for c in value]) if value else Shown(text=_("None"))
    if key == "follow_up.months":
        return _months(value)
    if key == "campaign.milestones":
        return Shown(headers=[_("Month of the campaign"), _("Settlement rate")],
                     rows=[[str(m["month"]), f"{m['rate']}%"] for m in value])
    if key == "bulletin.cadence":
        return Shown(text=_label(CADENCE_LABELS, value))
    if key in ("bulletin.commend", "bulletin.criticise"):
        return Shown(text=_verdict(value, key == "bulletin.commend"))
    if key == "assessment.weights":
        return Shown(headers=[_("Criterion"), _("Weight")],
                     rows=[[_label(CRITERION_LABELS, c), str(w)] for c, w in value.items()])
    if key == "assessment.veto":
        return Shown(items=[_label(ESCALATION_LABELS, c) for c in value]) if value else Shown(text=_("None"))
    if key == "watch.sensitive_periods":
        if not value:
            return Shown(text=_("None"))
        return Shown(headers=[_("Name"), _("From"), _("To"), _("Level")],
                     rows=[[p["name"], p["from"], p["to"], p.get("level", "—")] for p in value])
    if isinstance(value, bool):
        return Shown(text=yes_no(value))
    return Shown(text=str(value))


def summary(key: str, value: Any) -> str:
    """One line for the history: a scalar as the page shows it, a structured value as compact JSON, None
    (not set in that set) as inherited."""
    if value is None:
        return _("(inherited)")
    if isinstance(value, list | dict):
        return json.dumps(value, ensure_ascii=False)
    shown = present(key, value)
    return shown.text


def label_of(key: str) -> str:
    return str(KEYS[key].label) if key in KEYS else key
