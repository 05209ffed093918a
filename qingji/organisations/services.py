"""Writes to the organisation directory."""

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.db import transaction
from django.utils.translation import gettext as _

from qingji.audit.services import audit_log
from qingji.lib.problems import InputRejected, ProblemList
from qingji.organisations.models import Org, OrgKind, OrgLevel

if TYPE_CHECKING:
    from qingji.accounts.models import User

KIND_ALIASES = {
    "政法委": OrgKind.COMMITTEE, "党委政法委": OrgKind.COMMITTEE, "法院": OrgKind.COURT,
    "检察院": OrgKind.PROCURATORATE, "公安": OrgKind.POLICE, "公安局": OrgKind.POLICE,
    "司法行政": OrgKind.JUSTICE, "司法局": OrgKind.JUSTICE, "信访": OrgKind.PETITION,
    "信访局": OrgKind.PETITION, "乡镇": OrgKind.TOWNSHIP, "其他": OrgKind.OTHER,
}
LEVEL_ALIASES = {
    "中央": OrgLevel.CENTRAL, "省": OrgLevel.PROVINCE, "省级": OrgLevel.PROVINCE, "市": OrgLevel.CITY,
    "市级": OrgLevel.CITY, "县": OrgLevel.COUNTY, "县级": OrgLevel.COUNTY, "区": OrgLevel.COUNTY,
    "乡": OrgLevel.TOWNSHIP, "乡镇": OrgLevel.TOWNSHIP,
}
ORG_FIELDS = ("name", "kind", "level", "region_code", "superior_id")


def parse_kind(text: str) -> str | None:
    text = text.strip()
    return KIND_ALIASES.get(text) or (text if text in OrgKind.values else None)


def parse_level(text: str) -> str | None:
    text = text.strip()
    return LEVEL_ALIASES.get(text) or (text if text in OrgLevel.values else None)


def _path_for(org: Org) -> str:
    base = org.superior.path if org.superior else ""
    return f"{base}{org.pk:08d}/"


def _refresh_subtree_paths(org: Org) -> None:
    for child in Org.objects.filter(superior=org):
        child.path = _path_for(child)
        if not child.region_code:
            child.region_code = org.region_code
        child.save(update_fields=["path", "region_code"])
        _refresh_subtree_paths(child)


@transaction.atomic
def org_create(
    *, actor: "User | None", code: str, name: str, kind: str, level: str,
    superior: Org | None = None, region_code: str = "",
) -> Org:
    region = region_code or (superior.region_code if superior else "")
    org = Org.objects.create(code=code, name=name, kind=kind, level=level, superior=superior,
                             region_code=region, path="")
    org.path = _path_for(org)
    org.save(update_fields=["path"])
    audit_log(actor=actor, action="org.create", obj=org, after=_snapshot(org))
    return org


@transaction.atomic
def org_update(*, actor: "User | None", org: Org, **changes: Any) -> Org:
    before = _snapshot(org)
    superior = changes.get("superior", org.superior)
    if superior is not None and (superior.pk == org.pk or superior.path.startswith(org.path)):
        raise ValueError(_("A unit cannot be placed under itself or one of its subordinates."))
    for name, value in changes.items():
        setattr(org, name, value)
    if not org.region_code and org.superior:
        org.region_code = org.superior.region_code
    org.path = _path_for(org)
    org.save()
    _refresh_subtree_paths(org)
    after = _snapshot(org)
    if after != before:
        audit_log(actor=actor, action="org.update", obj=org, before=before, after=after)
    return org


def _snapshot(org: Org) -> dict[str, object]:
    return {
        "code": org.code, "name": org.name, "kind": org.kind, "level": org.level,
        "superior": org.superior.code if org.superior else None, "region_code": org.region_code,
    }


@dataclass
class OrgRow:
    row: int
    code: str
    name: str
    kind: str
    level: str
    superior_code: str
    region_code: str


@dataclass
class OrgImportResult:
    created: int = 0
    updated: int = 0
    unchanged: int = 0


def org_import(*, actor: "User | None", rows: list[OrgRow]) -> OrgImportResult:
    """Load or update units; validated whole first, then written in one transaction."""
    problems = ProblemList()
    by_code: dict[str, OrgRow] = {}
    for r in rows:
        if r.code in by_code:
            problems.add(r.row, "单位编码", r.code, _("Duplicate unit code (also on row %(row)d).")
                         % {"row": by_code[r.code].row})
        by_code[r.code] = r
    existing = {o.code: o for o in Org.objects.all()}
    for r in by_code.values():
        _check_row(r, by_code, existing, problems)
    _check_cycles(by_code, existing, problems)
    if problems:
        raise InputRejected(problems)
    with transaction.atomic():
        return _write_rows(actor, by_code, existing)


def _check_row(r: OrgRow, by_code: dict[str, OrgRow], existing: dict[str, Org], problems: ProblemList) -> None:
    if not r.code:
        problems.add(r.row, "单位编码", "", _("The unit code is required."))
    if not r.name:
        problems.add(r.row, "单位名称", "", _("The unit name is required."))
    if parse_kind(r.kind) is None:
        problems.add(r.row, "单位类别", r.kind, _("Unknown kind of unit; use one of: %(values)s.")
                     % {"values": "、".join(k for k in KIND_ALIASES if len(k) <= 4)})
    if parse_level(r.level) is None:
        problems.add(r.row, "层级", r.level, _("Unknown level; use 中央, 省, 市, 县 or 乡."))
    if r.superior_code and r.superior_code not in by_code and r.superior_code not in existing:
        problems.add(r.row, "上级单位编码", r.superior_code,
                     _("Unknown superior unit: it is neither in this file nor in the directory."))
    if r.region_code and not (len(r.region_code) == 6 and r.region_code.isdigit()):
        problems.add(r.row, "行政区划代码", r.region_code, _("A region code has six digits (GB/T 2260)."))


def _check_cycles(by_code: dict[str, OrgRow], existing: dict[str, Org], problems: ProblemList) -> None:
    def superior_of(code: str) -> str:
        if code in by_code:
            return by_code[code].superior_code
        org = existing.get(code)
        return org.superior.code if org and org.superior else ""

    for code, r in by_code.items():
        seen = {code}
        current = superior_of(code)
        while current:
            if current in seen:
                problems.add(r.row, "上级单位编码", r.superior_code,
                             _("The superior units form a cycle through this unit."))
                break
            seen.add(current)
            current = superior_of(current)


def _write_rows(actor: "User | None", by_code: dict[str, OrgRow], existing: dict[str, Org]) -> OrgImportResult:
    """Write every row, each unit after its superior (the rows are known to be acyclic)."""
    result = OrgImportResult()
    done: dict[str, Org] = {}

    def ensure(code: str) -> Org:
        if code in done:
            return done[code]
        if code not in by_code:
            return existing[code]
        r = by_code[code]
        superior = ensure(r.superior_code) if r.superior_code else None
        done[code] = _write_row(actor, r, superior, existing, result)
        return done[code]

    for code in by_code:
        ensure(code)
    return result


def _write_row(actor: "User | None", r: OrgRow, superior: Org | None, existing: dict[str, Org],
               result: OrgImportResult) -> Org:
    values: dict[str, Any] = {
        "name": r.name, "kind": parse_kind(r.kind), "level": parse_level(r.level),
        "superior": superior, "region_code": r.region_code,
    }
    org = existing.get(r.code)
    if org is None:
        result.created += 1
        return org_create(actor=actor, code=r.code, **values)
    before = _snapshot(org)
    org = org_update(actor=actor, org=org, **values)
    if _snapshot(org) == before:
        result.unchanged += 1
    else:
        result.updated += 1
    return org
