"""Review objects for the access test: an underlying matter with a grade on every unit's case."""

import datetime as dt
from typing import Any

from qingji.reviews.services import matter_add, review_record


def build(world: dict[str, Any]) -> None:
    world["matters"] = {}
    for code, case in world["cases"].items():
        matter = matter_add(actor=None, case=case, docket_number=f"(2011){code}民初字第1号", stage="first_instance")
        review_record(actor=None, matter=matter, grade=2, findings="卷宗装订不规范", reviewed_on=dt.date.today())
        world["matters"][code] = matter
