"""A small world for the access test: the demo city, a sibling city, one account per role,
and (as later parts add them) objects in each unit. Built through the services."""

from typing import Any

from django.urls import reverse

from qingji.accounts.demo import ACCOUNTS
from qingji.accounts.roles import Role
from qingji.organisations import demo as organisations_demo
from qingji.organisations.models import Org, OrgKind, OrgLevel
from qingji.organisations.services import org_create
from tests.access import ALL_ACCOUNTS
from tests.conftest import make_user

# Each part adds its objects in tests/world_<part>.py: `def build(world) -> None`, run in this order.
PARTS = ["ledger", "reviews", "lifecycle", "supervision", "campaigns", "reports", "exchange", "security"]


def _builders() -> list[Any]:
    import importlib.util

    found = []
    for part in PARTS:
        if importlib.util.find_spec(f"tests.world_{part}") is not None:
            found.append(importlib.import_module(f"tests.world_{part}").build)
    return found


def build_world() -> dict[str, Any]:
    organisations_demo.load()
    units = {o.code: o for o in Org.objects.all()}
    units["BY-ZFW"] = org_create(actor=None, code="BY-ZFW", name="白云市委政法委", kind=OrgKind.COMMITTEE,
                                 level=OrgLevel.CITY, superior=units["JC-ZFW"], region_code="990200")
    units["BY-ZY"] = org_create(actor=None, code="BY-ZY", name="白云市中级人民法院", kind=OrgKind.COURT,
                                level=OrgLevel.CITY, superior=units["JC-GY"], region_code="990200")
    # Accounts whose role another account already stands for (e.g. the high court's leader) stay out.
    users = {name: make_user(name, units[code], role, full) for name, code, role, full, *_ in ACCOUNTS
             if name in ALL_ACCOUNTS}
    users["outsider"] = make_user("outsider", units["BY-ZY"], Role.UNIT_STAFF)
    users["province"] = make_user("province", units["JC-ZFW"], Role.COMMITTEE_STAFF)
    world: dict[str, Any] = {"units": units, "users": users,
                             "reverse": lambda name, kwargs: reverse(name, kwargs=kwargs or None)}
    for builder in _builders():
        builder(world)
    return world
