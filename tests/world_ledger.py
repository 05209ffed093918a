"""Ledger objects for the access test: one open case in every unit."""

from typing import Any

from qingji.ledger.models import CaseStatus
from tests.ledger.factories import make_case


def build(world: dict[str, Any]) -> None:
    world["cases"] = {
        code: make_case(unit, name=f"信访人{index}", status=CaseStatus.IN_PROGRESS)
        for index, (code, unit) in enumerate(sorted(world["units"].items()))
    }
