"""A controlled campaign: the seeds' city plan over four courts, dates passed explicitly."""

import datetime as dt

from qingji.campaigns.services import campaign_apply_scope, campaign_create
from qingji.ledger.models import CaseStatus
from qingji.ledger.services import case_record_status
from tests.ledger.factories import make_case

D = dt.date
# The seeds' staged targets (end of January 65 %, February 85 %, March 90 %, April 95 %) for a campaign from
# 1 November: months 3 to 6 of the campaign.
MILESTONES = [{"month": 3, "rate": 65}, {"month": 4, "rate": 85}, {"month": 5, "rate": 90}, {"month": 6, "rate": 95}]
# The bulletin rules these tests were written with (the top and the bottom quarter of four courts): the first
# in the ranking meeting the milestone is commended, the last below it criticised.
SEED_RULES = {"campaign.milestones": MILESTONES, "bulletin.commend": 1, "bulletin.criticise": 1}
PHASES = [("动员部署", D(2011, 11, 1), D(2011, 11, 15)), ("排查摸底", D(2011, 11, 16), D(2011, 12, 31)),
          ("集中化解", D(2012, 1, 1), D(2012, 3, 31)), ("检查验收", D(2012, 4, 1), D(2012, 4, 20)),
          ("考核表彰", D(2012, 4, 21), D(2012, 4, 30))]
COURTS = ["QH-ZY", "QH-QY-FY", "QH-HY-FY", "QH-AP-FY"]


def make_campaign(city, code: str = "QJ2012", **overrides):  # type: ignore[no-untyped-def]
    values = {"code": code, "name": "全市集中清理涉法涉诉信访积案专项活动", "organiser": city["QH-ZFW"],
              "starts_on": D(2011, 11, 1), "ends_on": D(2012, 4, 30), "cutoff_date": D(2011, 12, 31),
              "phases": PHASES, "units": [city[c] for c in COURTS]}
    rules = {**SEED_RULES, **overrides.pop("rules", {})}
    values.update(overrides)
    values["rules"] = rules
    return campaign_create(actor=None, **values)


def screening(city) -> dict[str, list]:  # type: ignore[no-untyped-def]
    """Four open cases in each court, registered in the screening (November and December 2011)."""
    found: dict[str, list] = {}
    for index, code in enumerate(COURTS):
        found[code] = [make_case(city[code], name=f"信访人{index}{n}", status=CaseStatus.IN_PROGRESS,
                                 registered_on=D(2011, 11, 10) + dt.timedelta(days=10 * n)) for n in range(4)]
    return found


def settle(case, day: dt.date):  # type: ignore[no-untyped-def]
    return case_record_status(actor=None, case=case, status=CaseStatus.CLOSED_SETTLED, method="written_pledge",
                              effective_on=day)


def apply(campaign):  # type: ignore[no-untyped-def]
    return campaign_apply_scope(actor=None, campaign=campaign)
