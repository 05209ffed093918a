"""The access matrix: every URL of the project, who may open it, and with which objects.

`test_access.py` walks this matrix with every demo account, against an object in the
account's scope and one outside it. A URL missing from here fails the suite, so each
new page must say who may see it.
"""

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

ALL_ACCOUNTS = frozenset({
    "sysadmin", "secadmin", "auditor", "committee", "committee_lead", "court", "court_a", "court_b",
    "court_a_lead", "police", "reviewer", "outsider", "province",
})
ADMINS = frozenset({"sysadmin", "secadmin", "auditor"})
CASE_USERS = ALL_ACCOUNTS - ADMINS
STAFF = frozenset({"committee", "court", "court_a", "court_b", "police", "outsider", "province"})

# World: a dictionary the fixtures fill (units, accounts and, as issues add them, cases…).
KwargsFor = Callable[[dict[str, Any], str], dict[str, Any] | None]


@dataclass(frozen=True)
class Route:
    name: str
    allowed: frozenset[str]
    # kwargs for an object in the account's scope; None when the URL takes no object.
    in_scope: KwargsFor | None = None
    # kwargs for an object outside the account's scope (must answer 404).
    out_of_scope: KwargsFor | None = None
    method: str = "get"
    data: dict[str, Any] = field(default_factory=dict)
    # Roles may differ per object: called with (world, account) → allowed or not.
    public: bool = False
    # Send `data` as a JSON body (the API) rather than as a form.
    json: bool = False
    # Where a 302 to an allowed account may lead (URL names): any other redirect, the sign-in page above
    # all, is a refusal in disguise.
    goes_to: frozenset[str] = frozenset()


# Routes that need no account, or are not pages (static files, language switch).
PUBLIC = {"web:login", "web:logout", "set_language", "api:api-root"}

ROUTES: list[Route] = [
    Route("web:dashboard", ALL_ACCOUNTS),
]


# What each account's scope holds, written out from the demo city's directory (docs/security.md) rather
# than asked of the selectors under test. The city committee sees every unit of its region; the
# intermediate court its basic courts; a basic court, the police or the other city's court only itself;
# the province committee both cities. The administrators' scope is their unit's, though they see no case.
CITY = frozenset({"QH-ZFW", "QH-ZY", "QH-QY-FY", "QH-HY-FY", "QH-AP-FY", "QH-YN-FY", "QH-JCY", "QH-GAJ", "QH-SFJ"})
COURTS = frozenset({"QH-ZY", "QH-QY-FY", "QH-HY-FY", "QH-AP-FY", "QH-YN-FY"})
UNITS_IN_SCOPE: dict[str, frozenset[str]] = {
    **dict.fromkeys(("sysadmin", "secadmin", "auditor", "committee", "committee_lead"), CITY),
    "court": COURTS, "reviewer": COURTS, "court_a": frozenset({"QH-QY-FY"}), "court_a_lead": frozenset({"QH-QY-FY"}),
    "court_b": frozenset({"QH-HY-FY"}), "police": frozenset({"QH-GAJ"}), "outsider": frozenset({"BY-ZY"}),
    "province": CITY | {"JC-ZFW", "JC-GY", "BY-ZFW", "BY-ZY"},
}
# The campaigns an account sees: those its scope's committees run, and those of a committee whose region holds
# its unit (the city committee's QH-C for every unit of the city, though a basic court sees no committee).
CAMPAIGNS_IN_SCOPE: dict[str, frozenset[str]] = {
    **{account: frozenset({"QH-C"}) for account in UNITS_IN_SCOPE},
    "outsider": frozenset({"BY-C"}), "province": frozenset({"QH-C", "BY-C"}),
}


@dataclass(frozen=True)
class Listing:
    """A list (a page or an API call) that must hold exactly the objects in the account's scope."""

    name: str
    accounts: frozenset[str]
    # (client, url) → the keys of the objects the response lists.
    shown: Callable[[Any, str], set[str]]
    # (world, account) → the keys of the objects the account's scope holds.
    expected: Callable[[dict[str, Any], str], set[str]]


LISTINGS: list[Listing] = []


def _collect() -> None:
    """Each part declares its routes (and its lists) in tests/access_<part>.py."""
    import importlib
    import pkgutil

    import tests

    for module in sorted(m.name for m in pkgutil.iter_modules(tests.__path__) if m.name.startswith("access_")):
        part = importlib.import_module(f"tests.{module}")
        ROUTES.extend(part.ROUTES)
        LISTINGS.extend(getattr(part, "LISTINGS", []))


def linked(body: str, view_name: str, kwarg: str) -> set[str]:
    """The `kwarg` of every link in `body` to the page `view_name` (e.g. the pk of each case page linked)."""
    import re

    from django.urls import Resolver404, resolve

    found = set()
    for href in re.findall(r'href="(/[^"?#]*)', body):
        try:
            match = resolve(href)
        except Resolver404:
            continue
        if match.view_name == view_name:
            found.add(str(match.kwargs[kwarg]))
    return found


def cases_of(world: dict[str, Any], account: str) -> set[str]:
    """Every case of the world (whichever part made it) handled by a unit in the account's scope."""
    from qingji.ledger.models import Case

    return {str(pk) for pk in Case.objects.filter(handling_org__code__in=UNITS_IN_SCOPE[account])
            .values_list("pk", flat=True)}



def own_case(world: dict[str, Any], account: str) -> dict[str, Any]:
    """A case handled by the account's own unit (in every account's scope)."""
    return {"pk": world["cases"][world["users"][account].org.code].pk}


def foreign_case(world: dict[str, Any], account: str) -> dict[str, Any] | None:
    """A case the account must not see: the other city's, or for the other city, one of ours.
    The province committee sees both cities, so it has none."""
    if account == "province":
        return None
    code = "QH-QY-FY" if account == "outsider" else "BY-ZY"
    return {"pk": world["cases"][code].pk}


_collect()
