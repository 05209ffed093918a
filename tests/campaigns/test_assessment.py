"""考核: weights over settlement, overdue, rebounds (the lifecycle part), sample checks and bulletins; the veto."""

import datetime as dt

from qingji.campaigns.assessment import assessment
from qingji.campaigns.bulletins import bulletin_issue
from qingji.campaigns.services import veto_record
from qingji.lifecycle.services import case_reopen
from tests.campaigns.helpers import COURTS, apply, make_campaign, screening, settle

D = dt.date


def test_it_scores_each_unit_from_the_weights_and_counts_rebounds(city):
    cases = screening(city)
    campaign = make_campaign(city, rules={"assessment.weights": {
        "settlement_rate": 60, "overdue": 20, "rebound": 20, "sample_check": 0, "bulletins": 0}})
    apply(campaign)
    for code in COURTS:
        for case in cases[code][:2]:
            settle(case, D(2012, 1, 20))
    case_reopen(actor=None, case=cases["QH-AP-FY"][0], petitioned_on=D(2012, 2, 1), description="再次到市上访")
    result = assessment(campaign, D(2012, 3, 1))
    rows = {r["org"]: r for r in result["rows"]}
    assert result["absent"] == ["bulletins"]  # none issued yet
    # QH-ZY: 2 of 4 settled (50), 1 of 4 overdue on 2012-03-01 (75), no rebound (100): 0.6×50 + 0.2×75 + 0.2×100.
    assert rows["QH-ZY"]["components"]["overdue"] == "75.0" and rows["QH-ZY"]["score"] == "65.0"
    # QH-AP-FY: one case back in progress: 1 of 4 settled, 2 of 4 overdue, one rebound of four.
    assert rows["QH-AP-FY"]["components"]["rebound"] == "75.0"
    assert rows["QH-AP-FY"]["score"] == "40.0"  # 0.6×25 + 0.2×50 + 0.2×75
    assert rows["QH-AP-FY"]["components"]["sample_check"] is None  # no sample check visited


def test_a_veto_voids_the_rating_and_sends_the_unit_to_the_bottom(city):
    cases = screening(city)
    campaign = make_campaign(city)
    apply(campaign)
    for case in cases["QH-ZY"]:
        settle(case, D(2012, 1, 20))
    bulletin_issue(actor=None, campaign=campaign, as_of=D(2012, 1, 31))
    veto_record(actor=None, campaign=campaign, org=city["QH-ZY"], reason="发生进京非访")
    rows = assessment(campaign, D(2012, 4, 30))["rows"]
    assert rows[-1]["org"] == "QH-ZY" and rows[-1]["veto"] == "发生进京非访"
    assert rows[0]["components"]["bulletins"] is not None
