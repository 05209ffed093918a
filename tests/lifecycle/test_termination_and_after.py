"""终结 through its steps; 重新上访 counted against the closing unit; 回访 and 抽查回访."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from qingji.accounts.roles import Role
from qingji.ledger.models import CaseStatus
from qingji.lifecycle.models import FollowUp, ProceedingState
from qingji.lifecycle.selectors import sample_check_figures, sample_check_pass_rates
from qingji.lifecycle.services import (
    case_reopen,
    follow_up_record,
    proceeding_decide,
    sample_check_draw,
    schedule_follow_ups,
    termination_propose,
)
from qingji.reports.selectors import summary
from qingji.rules.keys import COURT_CHAIN
from qingji.rules.services import rule_set
from tests.conftest import make_user
from tests.ledger.factories import make_case
from tests.lifecycle.helpers import START, days_ago, terminable

# A basic court's case: the intermediate court's review panel and adjudication committee, its president's
# sign-off, the provincial high court's approval.
STEPS = [("review_panel", "reviewer"), ("adjudication_committee", "court_lead"),
         ("leading_group", "court_lead"), ("approving_body", "high_court")]


def test_termination_walks_its_four_steps_and_closes_the_case_as_terminated(users, city):
    case = terminable(city["QH-QY-FY"])
    proceeding = termination_propose(actor=users["court_a"], case=case, note="经复查原判正确，信访人诉求无理",
                                     requested_on=days_ago(30))
    for index, (step, account) in enumerate(STEPS):
        assert proceeding.current_step == step
        proceeding = proceeding_decide(actor=users[account], proceeding=proceeding, step=step, approve=True,
                                       decided_on=days_ago(25 - index), opinion="同意终结")
    case.refresh_from_db()
    assert proceeding.state == ProceedingState.APPROVED
    assert (case.status, case.settlement_method, case.closed_on) == (CaseStatus.CLOSED_SETTLED, "terminated",
                                                                   days_ago(22))
    assert FollowUp.objects.filter(case=case).count() == 2  # counselling continues: visits are scheduled
    # Not handed down again: a new petition does not reopen it.
    with pytest.raises(ValidationError):
        case_reopen(actor=users["court_a"], case=case, petitioned_on=days_ago(1), description="又到省里上访")


def test_a_rejection_at_any_step_returns_the_proposal_and_the_case_stays_open(users, city):
    case = terminable(city["QH-QY-FY"])
    proceeding = termination_propose(actor=users["court_a"], case=case, note="申请终结")
    proceeding = proceeding_decide(actor=users["reviewer"], proceeding=proceeding, step="review_panel",
                                   approve=True)
    proceeding = proceeding_decide(actor=users["court_lead"], proceeding=proceeding,
                                   step="adjudication_committee", approve=True)
    proceeding = proceeding_decide(actor=users["court_lead"], proceeding=proceeding, step="leading_group",
                                   approve=False, opinion="司法救助尚未落实，暂不同意终结")
    case.refresh_from_db()
    assert proceeding.state == ProceedingState.RETURNED and case.status == CaseStatus.IN_PROGRESS
    assert [d.decision for d in proceeding.decisions.all()] == ["submitted", "approved", "approved", "returned"]


def test_only_the_configured_approving_body_approves(users, city):
    # In this province the provincial committee, not the high court, approves a court's termination.
    rule_set(actor=None, org=city["JC-ZFW"], key="termination.chains", value={"court": [
        *COURT_CHAIN[:3], {"code": "approving_body", "decided_by": "unit:committee:province"}]})
    case = terminable(city["QH-QY-FY"])
    proceeding = termination_propose(actor=users["court_a"], case=case, note="申请终结")
    for step, account in STEPS[:3]:
        proceeding = proceeding_decide(actor=users[account], proceeding=proceeding, step=step, approve=True)
    for account in ("court_a_lead", "high_court", "committee_lead"):  # a court, the high court, the city committee
        with pytest.raises(PermissionDenied):
            proceeding_decide(actor=users[account], proceeding=proceeding, step="approving_body", approve=True)
    # a unit leader's account in the provincial committee is not a committee role
    with pytest.raises(PermissionDenied):
        proceeding_decide(actor=make_user("odd_lead", city["JC-ZFW"], Role.UNIT_LEADER), proceeding=proceeding,
                          step="approving_body", approve=True)
    proceeding = proceeding_decide(actor=users["province"], proceeding=proceeding, step="approving_body",
                                   approve=True)
    case.refresh_from_db()
    assert proceeding.state == ProceedingState.APPROVED and case.settlement_method == "terminated"


def test_termination_may_be_configured_not_to_count_as_settled(users, city):
    rule_set(actor=None, org=city["QH-ZFW"], key="termination.counts_as_settled", value=False)
    case = terminable(city["QH-QY-FY"])
    proceeding = termination_propose(actor=users["court_a"], case=case, note="申请终结")
    for step, account in STEPS:
        proceeding = proceeding_decide(actor=users[account], proceeding=proceeding, step=step, approve=True)
    case.refresh_from_db()
    assert (case.status, case.settlement_method) == (CaseStatus.CLOSED_UNSETTLED, "terminated")


def test_a_new_petition_reopens_a_closed_case_and_counts_against_the_unit_that_closed_it(users, city):
    unit = city["QH-QY-FY"]
    case = make_case(unit, registered_on=START, status=CaseStatus.CLOSED_SETTLED, method="written_pledge",
                     closed_on=days_ago(60))
    schedule_follow_ups(case, case.closed_on)
    reopening = case_reopen(actor=users["committee"], case=case, petitioned_on=days_ago(5), channel="赴省上访",
                            description="信访人以补偿未到位为由赴省上访")
    case.refresh_from_db()
    assert case.status == CaseStatus.IN_PROGRESS and case.closed_on is None
    assert reopening.closed_by == unit and reopening.previous_method == "written_pledge"
    rebounds = {r["org"]: r["rebound"] for r in summary(org=city["QH-ZFW"])["by_org"]}
    assert rebounds == {unit.code: 1}
    assert summary(org=city["QH-ZFW"], as_of=days_ago(6))["by_org"][0]["rebound"] == 0
    assert not FollowUp.objects.filter(case=case, done_on=None).exists()  # pending visits lapse
    with pytest.raises(ValidationError):  # an open case cannot be reopened
        case_reopen(actor=users["committee"], case=case, petitioned_on=days_ago(1), description="again")


def test_a_follow_up_visit_finding_a_new_petition_reopens_the_case(users, city):
    case = make_case(city["QH-QY-FY"], registered_on=START, status=CaseStatus.CLOSED_SETTLED, method="other",
                     closed_on=days_ago(40))
    first, _second = schedule_follow_ups(case, case.closed_on)
    follow_up_record(actor=users["court_a"], follow_up=first, done_on=days_ago(8), result="petitioned_again",
                     satisfaction="dissatisfied", note="信访人称将继续上访")
    case.refresh_from_db()
    assert case.status == CaseStatus.IN_PROGRESS
    assert case.reopenings.get().petitioned_on == days_ago(8)
    with pytest.raises(ValidationError):
        follow_up_record(actor=users["court_a"], follow_up=first, done_on=days_ago(1), result="stable")


def test_a_sample_check_is_reproducible_from_its_seed_and_gives_a_pass_rate(users, city):
    unit = city["QH-QY-FY"]
    for n in range(10):
        make_case(unit, name=f"抽查{n}", registered_on=START, status=CaseStatus.CLOSED_SETTLED,
                  method="written_pledge", closed_on=days_ago(30))
    check = sample_check_draw(actor=users["committee"], unit=unit, percent=30, seed=20261125, due_on=days_ago(0),
                              closed_by=days_ago(1))
    drawn = sorted(check.items.values_list("case_id", flat=True))
    assert len(drawn) == 3 and check.population == 10
    again = sample_check_draw(actor=users["committee"], unit=unit, percent=30, seed=20261125, due_on=days_ago(0),
                              closed_by=days_ago(1))
    assert sorted(again.items.values_list("case_id", flat=True)) == drawn
    visits = list(check.items.order_by("pk"))
    follow_up_record(actor=users["committee"], follow_up=visits[0], done_on=days_ago(0), result="stable",
                     satisfaction="satisfied")
    follow_up_record(actor=users["committee"], follow_up=visits[1], done_on=days_ago(0), result="stable",
                     satisfaction="dissatisfied")
    assert sample_check_figures([check])[check.pk] == {"sample_check_id": check.pk, "drawn": 3, "visited": 2,
                                                       "passed": 1, "pass_rate": "50.0"}
    assert sample_check_pass_rates([unit.pk, city["QH-HY-FY"].pk]) == {unit.pk: "50.0", city["QH-HY-FY"].pk: None}
    with pytest.raises(PermissionDenied):  # a unit does not run checks on itself
        sample_check_draw(actor=users["court_a"], unit=unit, percent=10, due_on=days_ago(0))


def test_the_statistics_page_shows_each_units_rebounds(client, login, users, city):
    case = make_case(city["QH-QY-FY"], registered_on=START, status=CaseStatus.CLOSED_SETTLED, method="other",
                     closed_on=days_ago(30))
    case_reopen(actor=users["court_a"], case=case, petitioned_on=days_ago(2), description="进京上访")
    login(users["committee"])
    page = client.get("/reports/").content.decode()
    row = page[page.index("清源区人民法院</td>"):]
    row = row[:row.index("</tr>")]
    assert row.endswith('<td class="text-end text-danger">1</td>')
    earlier = client.get("/reports/", {"as_of": days_ago(3).isoformat()}).content.decode()
    row = earlier[earlier.index("清源区人民法院</td>"):]
    assert row[:row.index("</tr>")].endswith('<td class="text-end">0</td>')


def test_registering_a_terminated_petitioner_again_warns_that_it_is_not_handed_down_again(client, login, users,
                                                                                          city):
    old = make_case(city["QH-QY-FY"], registered_on=START, status=CaseStatus.CLOSED_SETTLED, method="terminated",
                    closed_on=days_ago(50), name="屈长林")
    petitioner = old.petitioners.get()
    login(users["court_a"])
    response = client.post("/cases/new/", {
        "petitioner": [petitioner.pk], "handling_org": city["QH-QY-FY"].pk, "summary": "仍要求再审",
        "source": "city_committee", "registered_on": days_ago(0).isoformat()}, follow=True)
    assert f"{old.ledger_no}" in response.content.decode() and "不再交办" in response.content.decode()
