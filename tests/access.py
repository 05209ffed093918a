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


# Routes that need no account, or are not pages (static files, language switch).
PUBLIC = {"web:login", "web:logout", "set_language", "api:api-root"}

ROUTES: list[Route] = [
    Route("web:dashboard", ALL_ACCOUNTS),
]


def _collect() -> None:
    """Each part declares its routes in tests/access_<part>.py."""
    import importlib
    import pkgutil

    import tests

    for module in sorted(m.name for m in pkgutil.iter_modules(tests.__path__) if m.name.startswith("access_")):
        ROUTES.extend(importlib.import_module(f"tests.{module}").ROUTES)



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
