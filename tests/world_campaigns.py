"""Campaign objects for the access test: a campaign in each city with its cases, one bulletin each, and a
written-explanation task for every unit either campaign covers."""

import datetime as dt
from typing import Any

from qingji.campaigns.bulletins import bulletin_issue
from qingji.campaigns.models import ExplanationTask
from qingji.campaigns.services import campaign_apply_scope, campaign_create


def build(world: dict[str, Any]) -> None:
    today = dt.date.today()
    units = world["units"]
    world["campaigns"] = {}
    world["explanations"] = {}
    for code, committee in (("QH-C", units["QH-ZFW"]), ("BY-C", units["BY-ZFW"])):
        campaign = campaign_create(actor=None, code=code, name=f"{committee.name}专项活动", organiser=committee,
                                   starts_on=today - dt.timedelta(days=60), ends_on=today + dt.timedelta(days=120),
                                   rules={"campaign.milestones": [{"month": 3, "rate": 65}]})
        campaign_apply_scope(actor=None, campaign=campaign)
        bulletin = bulletin_issue(actor=None, campaign=campaign, as_of=today - dt.timedelta(days=1))
        world["campaigns"][code] = campaign
        for membership in campaign.memberships.select_related("case__handling_org"):
            org = membership.case.handling_org
            if org.code not in world["explanations"]:
                world["explanations"][org.code] = ExplanationTask.objects.create(
                    campaign=campaign, bulletin=bulletin, org=org, due_on=today + dt.timedelta(days=10))
