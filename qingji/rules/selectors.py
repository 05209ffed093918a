"""The rules in force: for a unit, a campaign or a case, now or at the end of any past day.

Where a rule comes from (../shared/spec/local-rules.md, "Where a rule comes from"): the unit's own rule set,
then its superiors' up to the top (an intermediate court's set covers its basic courts), then the sets of the
political-legal committees whose region holds the unit, the nearest first (a county committee's before the
city's before the province's), then the built-in default. A campaign's own set comes before its organiser's.

A `RuleBook` loads every rule set in one query (there are a few rows per unit that set anything) and resolves
any unit in memory, so a page that needs the rule of many units asks the database once. `partition` turns a
rule into the groups of units that share a value, for a filter over many units' cases.
"""

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.db.models import Q, QuerySet
from django.utils import timezone

from qingji.organisations.models import Org, OrgKind, region_prefix
from qingji.rules.keys import KEYS
from qingji.rules.models import RuleChange, RuleValue

if TYPE_CHECKING:
    from qingji.campaigns.models import Campaign

DEFAULT = "default"


@dataclass(frozen=True)
class Resolved:
    key: str
    value: Any
    source: str  # the code of the unit or campaign that set it, or "default"


@dataclass(frozen=True)
class _Owner:
    pk: int
    code: str
    path: str
    kind: str
    region_code: str


class RuleBook:
    """Every rule set in force at the end of `as_of` (None: now)."""

    def __init__(self, as_of: dt.date | None = None) -> None:
        self.as_of = as_of
        self._org_sets: dict[int, dict[str, Any]] = {}
        self._campaign_sets: dict[int, dict[str, Any]] = {}
        self._owners: dict[int, _Owner] = {}
        self._campaign_codes: dict[int, str] = {}
        self._memo: dict[tuple[str, int | None, int | None], Resolved] = {}
        if as_of is None:
            rows: Iterable[tuple[int | None, int | None, str, Any]] = RuleValue.objects.values_list(
                "org_id", "campaign_id", "key", "value")
        else:
            rows = self._rows_as_of(as_of)
        org_ids, campaign_ids = set(), set()
        for org_id, campaign_id, key, value in rows:
            if org_id is not None:
                self._org_sets.setdefault(org_id, {})[key] = value
                org_ids.add(org_id)
            elif campaign_id is not None:
                self._campaign_sets.setdefault(campaign_id, {})[key] = value
                campaign_ids.add(campaign_id)
        if org_ids:
            for pk, code, path, kind, region in Org.objects.filter(pk__in=org_ids).values_list(
                    "pk", "code", "path", "kind", "region_code"):
                self._owners[pk] = _Owner(pk, code, path, kind, region)
        if campaign_ids:
            from qingji.campaigns.models import Campaign

            self._campaign_codes = dict(Campaign.objects.filter(pk__in=campaign_ids).values_list("pk", "code"))

    @staticmethod
    def _rows_as_of(day: dt.date) -> list[tuple[int | None, int | None, str, Any]]:
        end = timezone.make_aware(dt.datetime.combine(day + dt.timedelta(days=1), dt.time.min))
        latest: dict[tuple[int | None, int | None, str], Any] = {}
        for org_id, campaign_id, key, new in (RuleChange.objects.filter(changed_at__lt=end)
                                               .order_by("changed_at", "id")
                                               .values_list("org_id", "campaign_id", "key", "new")):
            latest[(org_id, campaign_id, key)] = new
        return [(o, c, k, v) for (o, c, k), v in latest.items() if v is not None]

    # ------------------------------------------------------------ lookup

    def _chain(self, org: Org) -> list[_Owner]:
        """The owners of rule sets that hold `org`, the nearest first."""
        if not self._owners:
            return []
        path = org.path
        own = [o for o in self._owners.values() if path.startswith(o.path)]
        own.sort(key=lambda o: -len(o.path))
        seen = {o.pk for o in own}
        prefix = region_prefix(org.region_code) if org.region_code else ""
        committees = [o for o in self._owners.values()
                      if o.pk not in seen and o.kind == OrgKind.COMMITTEE and o.region_code
                      and prefix.startswith(region_prefix(o.region_code))]
        committees.sort(key=lambda o: -len(region_prefix(o.region_code)))
        return own + committees

    def resolve(self, key: str, org: Org | None = None, campaign: "Campaign | None" = None) -> Resolved:
        """Memoised per (key, unit, campaign): a ledger page asks it for every row's unit."""
        memo = (key, getattr(org, "pk", None), getattr(campaign, "pk", None))
        found = self._memo.get(memo)
        if found is None:
            found = self._memo[memo] = self._resolve(key, org, campaign)
        return found

    def _resolve(self, key: str, org: Org | None, campaign: "Campaign | None") -> Resolved:
        spec = KEYS[key]
        if campaign is not None:
            if spec.campaign and key in self._campaign_sets.get(campaign.pk, {}):
                value = self._campaign_sets[campaign.pk][key]
                if spec.merge:
                    value = {**self.resolve(key, campaign.organiser).value, **value}
                return Resolved(key, value, campaign.code)
            org = org or campaign.organiser
        chain = self._chain(org) if org is not None else []
        setters = [o for o in chain if key in self._org_sets[o.pk]]
        if not setters:
            return Resolved(key, spec.default, DEFAULT)
        if not spec.merge:
            return Resolved(key, self._org_sets[setters[0].pk][key], setters[0].code)
        merged = dict(spec.default)
        for owner in reversed(setters):
            merged.update(self._org_sets[owner.pk][key])
        return Resolved(key, merged, setters[0].code)

    def value(self, key: str, org: Org | None = None, campaign: "Campaign | None" = None) -> Any:
        return self.resolve(key, org, campaign).value

    def all(self, org: Org | None = None, campaign: "Campaign | None" = None) -> dict[str, Resolved]:
        return {key: self.resolve(key, org, campaign) for key in KEYS}

    def own(self, org: Org | None = None, campaign: "Campaign | None" = None) -> dict[str, Any]:
        """The values set in this owner's own set."""
        if campaign is not None:
            return dict(self._campaign_sets.get(campaign.pk, {}))
        return dict(self._org_sets.get(org.pk, {})) if org is not None else {}

    def is_set_anywhere(self, key: str) -> bool:
        return any(key in values for values in self._org_sets.values())

    def set_by(self, key: str) -> dict[int, Any]:
        """The units that set `key` in their own set, with their value: {unit id: value}."""
        return {pk: values[key] for pk, values in self._org_sets.items() if key in values}

    def partition(self, key: str, orgs: QuerySet[Org] | None = None) -> list[tuple[Any, list[int] | None]]:
        """The units grouped by their value of `key`: [(value, unit ids)]. Where no unit sets the key this is
        [(default, None)], None meaning every unit, and no unit is read."""
        if not self.is_set_anywhere(key):
            return [(KEYS[key].default, None)]
        groups: dict[str, tuple[Any, list[int]]] = {}
        for org in (orgs if orgs is not None else Org.objects.all()).only("pk", "path", "region_code", "kind"):
            value = self.value(key, org)
            groups.setdefault(repr(value), (value, []))[1].append(org.pk)
        return list(groups.values())


def rulebook(as_of: dt.date | None = None) -> RuleBook:
    return RuleBook(as_of)


def rule(key: str, org: Org | None = None, campaign: "Campaign | None" = None) -> Any:
    """One rule's value in force now, for a unit (a case's handling unit) or a campaign."""
    return RuleBook().value(key, org, campaign)


def rule_for_cases_q(key: str, build: Any, *, field: str = "handling_org_id",
                     book: RuleBook | None = None) -> Q:
    """A filter over cases whose condition depends on their unit's rule: `build(value)` gives the Q for one
    value, and the groups of units are OR-ed (one group, and no unit list, where nobody sets the key)."""
    condition = Q(pk__in=[])
    for value, ids in (book or RuleBook()).partition(key):
        condition |= build(value) if ids is None else (Q(**{f"{field}__in": ids}) & build(value))
    return condition


def rule_history(org: Org | None = None, campaign: "Campaign | None" = None) -> QuerySet[RuleChange]:
    changes = RuleChange.objects.select_related("org", "campaign").order_by("-changed_at", "-id")
    if campaign is not None:
        return changes.filter(campaign=campaign)
    if org is not None:
        return changes.filter(org=org)
    return changes


def rule_history_in_force(org: Org | None = None, campaign: "Campaign | None" = None) -> QuerySet[RuleChange]:
    """The changes of every set the rules in force for `org` (or `campaign`) come from: the unit's own set,
    its superiors', the committees' whose region holds it, and a campaign's own set with its organiser's."""
    from qingji.organisations.selectors import org_holders_q

    unit = org if org is not None else campaign.organiser if campaign is not None else None
    condition = Q(pk__in=[])
    if unit is not None:
        condition |= Q(org__isnull=False) & org_holders_q(unit, "org__")
    if campaign is not None:
        condition |= Q(campaign=campaign)
    return (RuleChange.objects.filter(condition).select_related("org", "campaign", "changed_by")
            .order_by("-changed_at", "-id"))
