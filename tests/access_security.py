"""Security pages in the access matrix: each administrator only their own pages; every account its own
account security pages; the reveal view for roles with pii.reveal and petitioners in scope."""

from typing import Any

from tests.access import ALL_ACCOUNTS, STAFF, Route, foreign_case

REVEALERS = STAFF | {"court_a_lead"}


def only_for(account_name: str, kwargs: dict[str, Any]):  # type: ignore[no-untyped-def]
    """Out-of-scope objects only make sense for the administrator the page is for (others get 403 first)."""
    return lambda world, account: kwargs_of(world, kwargs) if account == account_name else None


def kwargs_of(world: dict[str, Any], spec: dict[str, Any]) -> dict[str, Any]:
    return {key: value(world) for key, value in spec.items()}


def own_petitioner(world: dict[str, Any], account: str) -> dict[str, Any]:
    return {"pk": world["cases"][world["users"][account].org.code].petitioners.first().pk}


def foreign_petitioner(world: dict[str, Any], account: str) -> dict[str, Any] | None:
    target = foreign_case(world, account) if account in REVEALERS else None
    if target is None:
        return None
    case = next(c for c in world["cases"].values() if c.pk == target["pk"])
    return {"pk": case.petitioners.first().pk}


ROUTES = [
    Route("security:account", ALL_ACCOUNTS),
    Route("security:password_change", ALL_ACCOUNTS),
    Route("security:otp_setup", ALL_ACCOUNTS),
    Route("security:otp_verify", ALL_ACCOUNTS, goes_to=frozenset({"web:dashboard"})),
    Route("security:recovery_codes", ALL_ACCOUNTS, method="post", goes_to=frozenset({"security:otp_verify"})),
    Route("security:otp_disable", ALL_ACCOUNTS, method="post", goes_to=frozenset({"security:account"})),
    Route("security:units", frozenset({"sysadmin"})),
    Route("security:unit_create", frozenset({"sysadmin"})),
    Route("security:unit_edit", frozenset({"sysadmin"}), lambda w, a: {"pk": w["units"]["QH-ZY"].pk},
          only_for("sysadmin", {"pk": lambda w: w["units"]["BY-ZY"].pk})),
    Route("security:accounts", frozenset({"sysadmin"})),
    Route("security:account_create", frozenset({"sysadmin"})),
    Route("security:account_edit", frozenset({"sysadmin"}), lambda w, a: {"pk": w["security"]["clerk"].pk},
          only_for("sysadmin", {"pk": lambda w: w["security"]["foreign_clerk"].pk})),
    Route("security:account_active", frozenset({"sysadmin"}), lambda w, a: {"pk": w["security"]["clerk"].pk},
          only_for("sysadmin", {"pk": lambda w: w["security"]["foreign_clerk"].pk}),
          method="post", data={"active": "1"}, goes_to=frozenset({"security:account_edit"})),
    Route("security:policy", frozenset({"secadmin"})),
    Route("security:unlock", frozenset({"secadmin"}), method="post", data={"username": "clerk"},
          goes_to=frozenset({"security:policy"})),
    Route("security:sessions", frozenset({"secadmin"})),
    Route("security:session_end", frozenset({"secadmin"}), lambda w, a: {"pk": w["security"]["session"].pk},
          only_for("secadmin", {"pk": lambda w: w["security"]["foreign_session"].pk}), method="post",
          goes_to=frozenset({"security:sessions"})),
    Route("security:audit", frozenset({"auditor"})),
    Route("security:audit_export", frozenset({"auditor"}), lambda w, a: {"fmt": "xlsx"}),
    Route("security:reveal", REVEALERS, own_petitioner, foreign_petitioner, method="post",
          data={"reason": "核实身份", "field": "id_number"}),
]
