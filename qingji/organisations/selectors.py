"""Scope: which units a user can see. Every scoped query in qingji starts here."""

from typing import TYPE_CHECKING

from django.db.models import Q, QuerySet

from qingji.organisations.models import Org, OrgKind, region_prefix

if TYPE_CHECKING:
    from qingji.accounts.models import User


def org_scope_q(org: Org, prefix: str = "") -> Q:
    """Units within `org`'s scope: its subtree, and for a committee every unit in its region."""
    condition = Q(**{f"{prefix}path__startswith": org.path})
    if org.is_committee and org.region_code:
        condition |= Q(**{f"{prefix}region_code__startswith": org.region_prefix})
    return condition


def _covering_region_codes(region_code: str) -> list[str]:
    """Every region code (of at most six characters) whose significant digits begin `region_code`: a committee
    with one of them holds a unit of `region_code` in its scope. For a six-digit code that is the province's,
    the city's and the county's own (990102 → 990000, 990100, 990102); odd codes are enumerated the same way."""
    found = set()
    for end in range(1, len(region_code) + 1):
        head = region_code[:end]
        for zeros in range(0, 7 - end, 2):
            candidate = head + "0" * zeros
            if region_prefix(candidate) == head:
                found.add(candidate)
    return sorted(found)


def org_holders_q(org: Org, prefix: str = "") -> Q:
    """The converse of `org_scope_q`: the units whose scope holds `org`. Those whose subtree holds it are its
    own path's prefixes (itself and its superiors); the committees whose region holds it are those whose
    region code is one of `_covering_region_codes` of its own. Both are plain IN lists on indexed columns."""
    path = org.path
    condition = Q(**{f"{prefix}path__in": [path[:i + 1] for i, char in enumerate(path) if char == "/"]})
    codes = _covering_region_codes(org.region_code)
    if codes:
        condition |= Q(**{f"{prefix}kind": OrgKind.COMMITTEE, f"{prefix}region_code__in": codes})
    return condition


def visible_orgs(user: "User") -> QuerySet[Org]:
    """The units whose business `user` may see: its own unit and everything below it."""
    if not getattr(user, "is_authenticated", False) or user.org is None:
        return Org.objects.none()
    return Org.objects.filter(org_scope_q(user.org))


def get_visible_org(user: "User", *, code: str | None = None, pk: int | None = None) -> Org:
    """One unit in scope, or Http404 (never 403: ids must not be probed)."""
    from django.shortcuts import get_object_or_404

    lookup: dict[str, str | int | None] = {"code": code} if code is not None else {"pk": pk}
    return get_object_or_404(visible_orgs(user), **lookup)

