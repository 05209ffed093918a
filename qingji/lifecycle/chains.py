"""Which unit decides a step of a closure or a termination: `decided_by` of the rules resolved for a case.

A step of `closure.steps` or `termination.chains` names its decider as one of (../shared/spec/local-rules.md):
- `handling_unit`: the case's handling unit;
- `intermediate_court`: for a basic court (county or township level) the court at city level above it (the
  终结审查合议庭 and 审判委员会 of the intermediate court), for an intermediate or higher court's own case the court
  itself; nothing for a unit that is not a court;
- `supervising_committee`: the nearest political-legal committee whose scope holds the handling unit (the most
  specific region; for a committee's own case, the committee above it);
- `unit:<kind>:<level>`: the unit of that kind and level among the handling unit (itself included) and its
  superiors, or among the committees whose region holds it (unit:committee:province: the provincial committee).

The functions here take the units that hold the handling unit (`holders`, read once with `org_holders_q`) and
work on any object with the Org fields, so the migration that converted the stored steps uses them too.
"""

from collections.abc import Iterable, Sequence
from typing import Any, Protocol

from qingji.organisations.models import OrgKind, OrgLevel, region_prefix
from qingji.organisations.selectors import org_holders_q

BASIC_COURT_LEVELS = (OrgLevel.COUNTY, OrgLevel.TOWNSHIP)
# The decider of each closure step (closure.steps lists the codes only).
CLOSURE_DECIDERS = {"unit_leader": "handling_unit", "committee": "supervising_committee"}


class OrgLike(Protocol):
    pk: Any
    path: str
    kind: str
    level: str
    region_code: str


def holders(org: OrgLike, manager: Any = None) -> list[Any]:
    """The units whose scope holds `org` (itself, its superiors, the committees of its region), in one query.
    `manager` is the Org model's manager (a migration passes its historical one)."""
    if manager is None:
        from qingji.organisations.models import Org

        manager = Org.objects
    return list(manager.filter(org_holders_q(org)))  # type: ignore[arg-type]


def _superiors(handling: OrgLike, found: Iterable[Any]) -> list[Any]:
    """The handling unit and its superiors, the nearest first."""
    return sorted((o for o in found if handling.path.startswith(o.path)), key=lambda o: -len(o.path))


def _committees(found: Iterable[Any]) -> list[Any]:
    """The committees among `found`, the most specific region first."""
    return sorted((o for o in found if o.kind == OrgKind.COMMITTEE),
                  key=lambda o: (-len(region_prefix(o.region_code or "")), -len(o.path)))


def deciding_unit(decided_by: str, handling: OrgLike, found: Sequence[Any]) -> Any | None:
    """The unit that decides a step with this `decided_by` for a case of `handling`; None when there is none."""
    if decided_by == "handling_unit":
        return handling
    if decided_by == "intermediate_court":
        if handling.kind != OrgKind.COURT:
            return None
        if handling.level not in BASIC_COURT_LEVELS:
            return handling
        return next((o for o in _superiors(handling, found)
                     if o.kind == OrgKind.COURT and o.level == OrgLevel.CITY), None)
    if decided_by == "supervising_committee":
        committees = _committees(found)
        others = [c for c in committees if c.pk != handling.pk]
        if others:
            return others[0]
        return handling if handling.kind == OrgKind.COMMITTEE else None
    if decided_by.startswith("unit:"):
        _unit, kind, level = (decided_by.split(":") + ["", ""])[:3]
        for candidate in [*_superiors(handling, found), *_committees(found)]:
            if candidate.kind == kind and candidate.level == level:
                return candidate
    return None


def resolve_steps(steps: Iterable[dict[str, str]], handling: OrgLike,
                  found: Sequence[Any]) -> tuple[list[dict[str, Any]], list[dict[str, str]]]:
    """The steps with their deciding unit's id (`unit`), and the steps whose deciding unit cannot be found."""
    resolved, missing = [], []
    for step in steps:
        unit = deciding_unit(step["decided_by"], handling, found)
        if unit is None:
            missing.append(step)
        else:
            resolved.append({"code": step["code"], "decided_by": step["decided_by"], "unit": unit.pk})
    return resolved, missing
