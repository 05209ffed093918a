"""Lifecycle objects for the access test: in every unit, a closure request waiting for the unit
leader, a closed case with its follow-up visits; and a sample check in each city."""

import datetime as dt
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile

from qingji.ledger.models import CaseStatus
from qingji.lifecycle.models import FollowUp
from qingji.lifecycle.services import closure_request, sample_check_draw, schedule_follow_ups
from tests.ledger.factories import make_case
from tests.world_ledger import PDF


def build(world: dict[str, Any]) -> None:
    today = dt.date.today()
    world["proceedings"], world["visits"], world["closed_cases"] = {}, {}, {}
    for index, (code, unit) in enumerate(sorted(world["units"].items())):
        case = make_case(unit, name=f"报结人{index}", status=CaseStatus.IN_PROGRESS)
        world["proceedings"][code] = closure_request(
            actor=None, case=case, method="written_pledge", concluded_on=today, note="信访人签署息诉罢访保证书",
            evidence_files=[SimpleUploadedFile("保证书.pdf", PDF)])
        closed = make_case(unit, name=f"回访人{index}", status=CaseStatus.CLOSED_SETTLED, method="written_pledge",
                           closed_on=today - dt.timedelta(days=100))
        schedule_follow_ups(closed, closed.closed_on)
        world["closed_cases"][code] = closed
        world["visits"][code] = FollowUp.objects.filter(case=closed).order_by("due_on").first()
    world["sample_checks"] = {
        code: sample_check_draw(actor=None, unit=world["units"][code], percent=100, due_on=today + dt.timedelta(30))
        for code in ("QH-QY-FY", "BY-ZY")
    }
