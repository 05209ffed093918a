"""Every local rule (地方规则): its key, its default (the seeds' own), who may set it, and the check of a value.

The contract is ../shared/spec/local-rules.md. A value is JSON; `Key.clean` returns it normalised or raises a
ValidationError that says what is wrong, in the user's language. Nothing else in qingji holds these defaults:
code reads a rule through `qingji.rules.selectors` and never a setting, a constant or a fixed list.
"""

import datetime as dt
import re
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import ValidationError
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from qingji.organisations.models import OrgKind

Cleaner = Callable[[Any], Any]


@dataclass(frozen=True)
class Key:
    code: str
    label: Promise
    default: Any
    clean: Cleaner
    campaign: bool = False  # a campaign may set it for itself (campaign.*, bulletin.*, assessment.*)
    merge: bool = False  # a map whose entries override the inherited map's (termination.chains)


# ------------------------------------------------------------------ checks of values

CODE_RE = re.compile(r"^[a-z][a-z0-9_]{0,29}$")


def _fail(message: str) -> ValidationError:
    return ValidationError(message)


def _int(value: Any, low: int, high: int) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise _fail(_("Give a whole number between %(low)d and %(high)d.") % {"low": low, "high": high})
    if not low <= value <= high:
        raise _fail(_("Give a whole number between %(low)d and %(high)d.") % {"low": low, "high": high})
    return value


def _number(value: Any, low: Decimal, high: Decimal) -> float | int:
    if isinstance(value, bool) or not isinstance(value, int | float | str):
        raise _fail(_("Give a number between %(low)s and %(high)s.") % {"low": low, "high": high})
    try:
        number = Decimal(str(value))
    except InvalidOperation:
        raise _fail(_("Give a number between %(low)s and %(high)s.") % {"low": low, "high": high}) from None
    if not number.is_finite() or not low <= number <= high:
        raise _fail(_("Give a number between %(low)s and %(high)s.") % {"low": low, "high": high})
    return int(number) if number == number.to_integral_value() else float(number)


def _bool(value: Any) -> bool:
    if not isinstance(value, bool):
        raise _fail(_("Give true or false."))
    return value


def _list(value: Any) -> list[Any]:
    if not isinstance(value, list):
        raise _fail(_("Give a list, in square brackets."))
    return value


def _object(value: Any) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise _fail(_("Give an object, in curly brackets."))
    return value


def _fields(item: Any, position: int, required: set[str], optional: frozenset[str] = frozenset()) -> dict[str, Any]:
    if not isinstance(item, dict):
        raise _fail(_("Entry %(n)d is not an object.") % {"n": position})
    missing = sorted(required - set(item))
    if missing:
        raise _fail(_("Entry %(n)d lacks %(fields)s.") % {"n": position, "fields": ", ".join(missing)})
    unknown = sorted(set(item) - required - optional)
    if unknown:
        raise _fail(_("Entry %(n)d has unknown fields: %(fields)s.") % {"n": position, "fields": ", ".join(unknown)})
    return item


def _choices(value: Any, allowed: tuple[str, ...], *, empty: bool = True, ordered: bool = False) -> list[str]:
    items = _list(value)
    unknown = [str(v) for v in items if not isinstance(v, str) or v not in allowed]
    if unknown:
        raise _fail(_("Unknown: %(codes)s. Known: %(known)s.") % {"codes": ", ".join(unknown),
                                                                  "known": ", ".join(allowed)})
    if len(set(items)) != len(items):
        raise _fail(_("A code is given twice."))
    if not empty and not items:
        raise _fail(_("Give at least one."))
    if ordered and items != sorted(items, key=allowed.index):
        raise _fail(_("Give them in this order: %(known)s.") % {"known": ", ".join(allowed)})
    return list(items)


def clean_vocabulary(value: Any) -> list[dict[str, Any]]:
    """sources, categories: `{code, label, active}` entries, codes unique. Whether a code in use was dropped is
    checked by the service (it needs the database)."""
    entries = []
    for position, item in enumerate(_list(value), start=1):
        entry = _fields(item, position, {"code", "label"}, frozenset({"active"}))
        code, label = entry["code"], entry["label"]
        if not isinstance(code, str) or not CODE_RE.match(code):
            raise _fail(_("Entry %(n)d: a code is 1 to 30 small letters, digits or _, beginning with a letter.")
                        % {"n": position})
        if not isinstance(label, str) or not label.strip() or len(label.strip()) > 50:
            raise _fail(_("Entry %(n)d: a label is 1 to 50 characters.") % {"n": position})
        entries.append({"code": code, "label": label.strip(), "active": _bool(entry.get("active", True))})
    codes = [e["code"] for e in entries]
    duplicate = next((c for c in codes if codes.count(c) > 1), None)
    if duplicate:
        raise _fail(_("The code %(code)s is given twice.") % {"code": duplicate})
    labels = [e["label"] for e in entries]
    twice = next((label for label in labels if labels.count(label) > 1), None)
    if twice:
        raise _fail(_("The label %(label)s is given twice.") % {"label": twice})
    if not any(e["active"] for e in entries):
        raise _fail(_("Keep at least one active."))
    return entries


CLOSURE_STEPS = ("unit_leader", "committee")
COURT_STEPS = ("review_panel", "adjudication_committee", "leading_group", "approving_body")
OTHER_STEPS = ("unit_review", "committee_review", "approving_body")
TERMINATION_STEPS = (*COURT_STEPS[:-1], *OTHER_STEPS)
DECIDERS = ("handling_unit", "intermediate_court", "supervising_committee")
UNIT_KINDS = tuple(k for k in OrgKind.values if k != OrgKind.COMMITTEE)
LEVELS = ("central", "province", "city", "county", "township")
PRECONDITIONS = ("responsibility", "hearing", "review", "exhausted")
CRITERIA = ("settlement_rate", "overdue", "rebound", "sample_check", "bulletins")
ESCALATIONS = ("beijing", "beijing_abnormal", "provincial", "level_skipping", "group")
CADENCES = ("weekly", "half_monthly", "monthly")


def clean_decider(value: Any, where: str) -> str:
    if isinstance(value, str) and value in DECIDERS:
        return value
    if isinstance(value, str) and value.startswith("unit:"):
        parts = value.split(":")
        if len(parts) == 3 and parts[1] in OrgKind.values and parts[2] in LEVELS:
            return value
    raise _fail(_("%(where)s: decided_by is one of %(known)s, or unit:<kind>:<level>.")
                % {"where": where, "known": ", ".join(DECIDERS)})


def clean_chains(value: Any) -> dict[str, list[dict[str, str]]]:
    chains = {}
    for kind, steps in _object(value).items():
        if kind not in UNIT_KINDS:
            raise _fail(_("Unknown kind of unit %(kind)s. Known: %(known)s.")
                        % {"kind": kind, "known": ", ".join(UNIT_KINDS)})
        chain = []
        for position, item in enumerate(_list(steps), start=1):
            step = _fields(item, position, {"code", "decided_by"})
            where = f"{kind} {position}"
            if step["code"] not in TERMINATION_STEPS:
                raise _fail(_("%(where)s: unknown step %(code)s. Known: %(known)s.")
                            % {"where": where, "code": step["code"], "known": ", ".join(TERMINATION_STEPS)})
            chain.append({"code": step["code"], "decided_by": clean_decider(step["decided_by"], where)})
        if not chain or chain[-1]["code"] != "approving_body":
            raise _fail(_("The chain of %(kind)s must end with its approving body (approving_body).")
                        % {"kind": kind})
        codes = [s["code"] for s in chain]
        if len(set(codes)) != len(codes):
            raise _fail(_("The chain of %(kind)s has a step twice.") % {"kind": kind})
        chains[kind] = chain
    return chains


def clean_months(value: Any) -> list[int]:
    months = [_int(m, 1, 60) for m in _list(value)]
    if months != sorted(set(months)):
        raise _fail(_("Give each month once, in increasing order."))
    return months


def clean_milestones(value: Any) -> list[dict[str, Any]]:
    milestones = []
    for position, item in enumerate(_list(value), start=1):
        entry = _fields(item, position, {"month", "rate"})
        milestones.append({"month": _int(entry["month"], 1, 120),
                           "rate": _number(entry["rate"], Decimal(0), Decimal(100))})
    months = [m["month"] for m in milestones]
    if months != sorted(set(months)):
        raise _fail(_("Give each month once, in increasing order."))
    rates = [Decimal(str(m["rate"])) for m in milestones]
    if rates != sorted(rates):
        raise _fail(_("A later target cannot be lower than an earlier one."))
    return milestones


def clean_cadence(value: Any) -> str:
    if value not in CADENCES:
        raise _fail(_("Give one of %(known)s.") % {"known": ", ".join(CADENCES)})
    return str(value)


def _verdict(word: str) -> Cleaner:
    def clean(value: Any) -> int | str:
        if value == word:
            return word
        if isinstance(value, int) and not isinstance(value, bool) and 0 <= value <= 100:
            return value
        raise _fail(_("Give a number of units (0 to 100) or \"%(word)s\".") % {"word": word})
    return clean


def clean_weights(value: Any) -> dict[str, int | float]:
    weights = {}
    for criterion, weight in _object(value).items():
        if criterion not in CRITERIA:
            raise _fail(_("Unknown criterion %(code)s. Known: %(known)s.")
                        % {"code": criterion, "known": ", ".join(CRITERIA)})
        weights[criterion] = _number(weight, Decimal(0), Decimal(1000))
    if not any(weights.values()):
        raise _fail(_("At least one weight must be above 0."))
    return weights


def clean_periods(value: Any) -> list[dict[str, str]]:
    periods = []
    for position, item in enumerate(_list(value), start=1):
        entry = _fields(item, position, {"name", "from", "to"}, frozenset({"level"}))
        name = entry["name"]
        if not isinstance(name, str) or not name.strip() or len(name.strip()) > 50:
            raise _fail(_("Entry %(n)d: a name is 1 to 50 characters.") % {"n": position})
        try:
            start, end = dt.date.fromisoformat(str(entry["from"])), dt.date.fromisoformat(str(entry["to"]))
        except ValueError:
            raise _fail(_("Entry %(n)d: give the dates as YYYY-MM-DD.") % {"n": position}) from None
        if end < start:
            raise _fail(_("Entry %(n)d ends before it starts.") % {"n": position})
        period = {"name": name.strip(), "from": start.isoformat(), "to": end.isoformat()}
        if "level" in entry:
            period["level"] = str(_int(entry["level"], 1, 3))  # 1 highest
        periods.append(period)
    return periods


# ------------------------------------------------------------------ the keys and the seeds' defaults

DEFAULT_SOURCES = [
    {"code": "central_committee", "label": "中央政法委交办", "active": True},
    {"code": "provincial_committee", "label": "省委政法委交办", "active": True},
    {"code": "city_committee", "label": "市委政法委交办", "active": True},
    {"code": "county_committee", "label": "县委政法委交办", "active": True},
    {"code": "superior_org", "label": "上级机关交办", "active": True},
    {"code": "leader_instruction", "label": "领导批示", "active": True},
    {"code": "self_identified", "label": "自行排查", "active": True},
]
DEFAULT_CATEGORIES = [
    {"code": code, "label": label, "active": True} for code, label in (
        ("land_acquisition", "土地征用"), ("demolition", "房屋拆迁"), ("enterprise_restructuring", "国企改制"),
        ("labour_dispute", "劳动争议"), ("marriage_family", "婚姻家庭"), ("private_lending", "民间借贷"),
        ("personal_injury", "人身损害"), ("enforcement_impossible", "执行不能"), ("criminal_appeal", "刑事申诉"),
        ("administrative_dispute", "行政争议"), ("other", "其他"))
]
COURT_CHAIN = [
    {"code": "review_panel", "decided_by": "intermediate_court"},
    {"code": "adjudication_committee", "decided_by": "intermediate_court"},
    {"code": "leading_group", "decided_by": "intermediate_court"},
    {"code": "approving_body", "decided_by": "unit:court:province"},
]
OTHER_CHAIN = [
    {"code": "unit_review", "decided_by": "handling_unit"},
    {"code": "committee_review", "decided_by": "supervising_committee"},
    {"code": "approving_body", "decided_by": "unit:committee:province"},
]

KEYS: dict[str, Key] = {k.code: k for k in (
    Key("sources", gettext_lazy("Case sources"), DEFAULT_SOURCES, clean_vocabulary),
    Key("categories", gettext_lazy("Problem categories"), DEFAULT_CATEGORIES, clean_vocabulary),
    Key("closure.steps", gettext_lazy("Steps of a closure request"), ["unit_leader", "committee"],
        lambda v: _choices(v, CLOSURE_STEPS, empty=False, ordered=True)),
    Key("termination.chains", gettext_lazy("Termination chains, by kind of unit"),
        {kind: COURT_CHAIN if kind == OrgKind.COURT else OTHER_CHAIN for kind in UNIT_KINDS}, clean_chains,
        merge=True),
    Key("termination.requires", gettext_lazy("Preconditions of a termination proposal"), ["responsibility", "hearing"],
        lambda v: _choices(v, PRECONDITIONS)),
    Key("termination.counts_as_settled", gettext_lazy("A terminated case counts as settled"), True, _bool),
    Key("follow_up.months", gettext_lazy("Follow-up visits, months after closure"), [1, 3], clean_months),
    Key("deadline.due_soon_days", gettext_lazy("Days before a deadline that count as due soon"), 7,
        lambda v: _int(v, 1, 90)),
    Key("hand_down.acknowledge_days", gettext_lazy("Days to acknowledge a case handed down"), 3,
        lambda v: _int(v, 1, 30)),
    Key("hand_down.deadline_days", gettext_lazy("Default deadline after a hand-down, in days"), 60,
        lambda v: _int(v, 1, 730)),
    Key("supervision.half_time", gettext_lazy("Remind when half the time has gone with no work recorded"), True,
        _bool),
    Key("supervision.escalate", gettext_lazy("Escalate an unanswered reminder to the committee above"), True, _bool),
    Key("supervision.reopened", gettext_lazy("Notify when a closed case is petitioned again"), True, _bool),
    Key("supervision.reopened_lookback_days", gettext_lazy("Days back a reopening is notified"), 30,
        lambda v: _int(v, 1, 365)),
    Key("campaign.milestones", gettext_lazy("Staged targets: settlement rate by month of the campaign"),
        [{"month": 1, "rate": 65}, {"month": 2, "rate": 85}, {"month": 3, "rate": 90}, {"month": 4, "rate": 95}],
        clean_milestones, campaign=True),
    Key("bulletin.cadence", gettext_lazy("How often bulletins are issued"), "monthly", clean_cadence, campaign=True),
    Key("bulletin.commend", gettext_lazy("Units commended: the top N, or everyone over the milestone"), 3,
        _verdict("over_milestone"), campaign=True),
    Key("bulletin.criticise", gettext_lazy("Units criticised: the bottom N, or everyone under the milestone"),
        "under_milestone", _verdict("under_milestone"), campaign=True),
    Key("bulletin.explanation_after", gettext_lazy("Criticised this many bulletins in a row: written explanation"),
        2, lambda v: _int(v, 1, 24), campaign=True),
    Key("bulletin.explanation_due_days", gettext_lazy("Days to submit a written explanation"), 10,
        lambda v: _int(v, 1, 90), campaign=True),
    Key("assessment.weights", gettext_lazy("Assessment weights"),
        {"settlement_rate": 50, "overdue": 15, "rebound": 15, "sample_check": 10, "bulletins": 10}, clean_weights,
        campaign=True),
    Key("assessment.criticism_penalty", gettext_lazy("Assessment points taken per criticism"), 25,
        lambda v: _number(v, Decimal(0), Decimal(100)), campaign=True),
    Key("assessment.commendation_bonus", gettext_lazy("Assessment points given per commendation"), 10,
        lambda v: _number(v, Decimal(0), Decimal(100)), campaign=True),
    Key("assessment.veto", gettext_lazy("Events that void a unit's rating"), ["beijing_abnormal"],
        lambda v: _choices(v, ESCALATIONS), campaign=True),
    Key("watch.sensitive_periods", gettext_lazy("Sensitive periods"), [], clean_periods),
)}


def key_or_refuse(code: str, *, campaign: bool = False) -> Key:
    key = KEYS.get(code)
    if key is None:
        raise ValidationError(_("There is no rule %(key)s. The rules are: %(known)s.")
                              % {"key": code, "known": ", ".join(KEYS)})
    if campaign and not key.campaign:
        raise ValidationError(_("A campaign sets only its campaign rules (campaign.*, bulletin.*, assessment.*); "
                                "%(key)s is set by a unit.") % {"key": code})
    return key


def clean_value(code: str, value: Any, *, campaign: bool = False) -> Any:
    """The value checked and normalised; a refusal names the rule."""
    key = key_or_refuse(code, campaign=campaign)
    try:
        return key.clean(value)
    except ValidationError as error:
        raise ValidationError(_("%(key)s: %(reason)s") % {"key": code, "reason": " ".join(error.messages)}) from None
