"""Scope: which units a user can see. Every scoped query in qingji starts here."""

from typing import TYPE_CHECKING

from django.db.models import Q, QuerySet

from qingji.organisations.models import Org

if TYPE_CHECKING:
    from qingji.accounts.models import User


def org_scope_q(org: Org, prefix: str = "") -> Q:
    """Units within `org`'s scope: its subtree, and for a committee every unit in its region."""
    condition = Q(**{f"{prefix}path__startswith": org.path})
    if org.is_committee and org.region_code:
        condition |= Q(**{f"{prefix}region_code__startswith": org.region_prefix})
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


def org_in_scope(org: Org, scope_root: Org) -> bool:
    return Org.objects.filter(org_scope_q(scope_root), pk=org.pk).exists()
