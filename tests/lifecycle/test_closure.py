"""报结: request with evidence, unit leader's approval, the committee's acceptance or return."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from qingji.audit.models import AuditEntry
from qingji.ledger.models import CaseStatus, StatusPeriod
from qingji.lifecycle.models import FollowUp, ProceedingState
from qingji.lifecycle.selectors import pending_for
from qingji.lifecycle.services import add_months, closure_request, proceeding_decide, proceeding_withdraw
from qingji.reports.selectors import summary
from qingji.rules.services import rule_set
from tests.lifecycle.helpers import case_in_progress, days_ago, pledge


@pytest.fixture
def requested(users, city):  # type: ignore[no-untyped-def]
    case = case_in_progress(city["QH-QY-FY"])
    proceeding = closure_request(actor=users["court_a"], case=case, method="written_pledge",
                                 concluded_on=days_ago(20), note="信访人签署息诉罢访保证书", requested_on=days_ago(18),
                                 evidence_files=[pledge()])
    return case, proceeding


def test_a_request_without_evidence_is_refused(users, city):
    case = case_in_progress(city["QH-QY-FY"])
    with pytest.raises(ValidationError) as error:
        closure_request(actor=users["court_a"], case=case, method="written_pledge", concluded_on=days_ago(3))
    assert "evidence" in error.value.message_dict
    case.refresh_from_db()
    assert case.status == CaseStatus.IN_PROGRESS


def test_a_unit_outside_the_scope_cannot_request_closure(users, city):
    case = case_in_progress(city["QH-QY-FY"])
    with pytest.raises(PermissionDenied):
        closure_request(actor=users["court_b"], case=case, method="written_pledge", concluded_on=days_ago(3),
                        evidence_files=[pledge()])
    case.refresh_from_db()
    assert case.status == CaseStatus.IN_PROGRESS and not case.proceedings.exists()


def test_approval_then_acceptance_settles_the_case_from_the_acceptance_date(users, requested):
    case, proceeding = requested
    case.refresh_from_db()
    assert case.status == CaseStatus.CLOSURE_REQUESTED
    assert [p.pk for p in pending_for(users["court_a_lead"])] == [proceeding.pk]
    assert pending_for(users["committee"]) == []  # not the committee's turn yet
    assert pending_for(users["court_a"]) == []  # the requester never approves their own request

    proceeding_decide(actor=users["court_a_lead"], proceeding=proceeding, step="unit_leader", approve=True,
                      decided_on=days_ago(15))
    assert pending_for(users["court_a_lead"]) == []
    assert [p.pk for p in pending_for(users["committee"])] == [proceeding.pk]
    proceeding = proceeding_decide(actor=users["committee"], proceeding=proceeding, step="committee", approve=True,
                                   decided_on=days_ago(10), outcome="settled", opinion="材料齐全，同意报结")

    case.refresh_from_db()
    assert proceeding.state == ProceedingState.APPROVED
    assert (case.status, case.settlement_method, case.closed_on) == (CaseStatus.CLOSED_SETTLED, "written_pledge",
                                                                   days_ago(10))
    periods = list(StatusPeriod.objects.filter(case=case).values_list("status", "valid_from"))
    assert periods[-2:] == [(CaseStatus.CLOSURE_REQUESTED, days_ago(18)), (CaseStatus.CLOSED_SETTLED, days_ago(10))]
    # The figures follow the acceptance: settled as of its date, open the day before.
    assert summary(as_of=days_ago(10))["status"]["closed_settled"] == 1
    assert summary(as_of=days_ago(11))["status"]["closed_settled"] == 0
    # Follow-up visits one and three months after closure.
    assert list(FollowUp.objects.filter(case=case).values_list("due_on", flat=True)) == [
        add_months(days_ago(10), 1), add_months(days_ago(10), 3)]
    actions = set(AuditEntry.objects.filter(object_id=str(case.pk)).values_list("action", flat=True))
    assert {"lifecycle.closure_request", "lifecycle.closure_decision", "case.closure_approved"} <= actions


def test_the_committee_may_accept_it_as_closed_but_not_settled(users, requested):
    case, proceeding = requested
    proceeding_decide(actor=users["court_a_lead"], proceeding=proceeding, step="unit_leader", approve=True)
    proceeding_decide(actor=users["committee"], proceeding=proceeding, step="committee", approve=True,
                      outcome="unsettled", opinion="程序已终结，但信访人仍有越级走访")
    case.refresh_from_db()
    assert (case.status, case.settlement_method) == (CaseStatus.CLOSED_UNSETTLED, "")


def test_a_return_needs_reasons_and_sends_the_case_back_into_progress(users, requested):
    case, proceeding = requested
    proceeding_decide(actor=users["court_a_lead"], proceeding=proceeding, step="unit_leader", approve=True)
    with pytest.raises(ValidationError):
        proceeding_decide(actor=users["committee"], proceeding=proceeding, step="committee", approve=False)
    proceeding = proceeding_decide(actor=users["committee"], proceeding=proceeding, step="committee",
                                   approve=False, opinion="保证书未经信访人本人签字")
    case.refresh_from_db()
    assert proceeding.state == ProceedingState.RETURNED and case.status == CaseStatus.IN_PROGRESS
    # A new request may follow once the evidence is right.
    again = closure_request(actor=users["court_a"], case=case, method="written_pledge", concluded_on=days_ago(0),
                            evidence_files=[pledge()])
    assert again.state == ProceedingState.PENDING


def test_the_wrong_role_cannot_decide_a_step(users, requested):
    _case, proceeding = requested
    decisions = list(proceeding.decisions.values_list("step", "decision"))
    with pytest.raises(PermissionDenied):
        proceeding_decide(actor=users["committee"], proceeding=proceeding, step="unit_leader", approve=True)
    with pytest.raises(PermissionDenied):  # a unit leader elsewhere: outside the scope
        proceeding_decide(actor=users["high_court"], proceeding=proceeding, step="unit_leader", approve=True)
    proceeding.refresh_from_db()
    assert proceeding.current_step == "unit_leader" and proceeding.state == ProceedingState.PENDING
    assert list(proceeding.decisions.values_list("step", "decision")) == decisions


def test_two_approvers_at_once_one_wins_and_the_other_is_told(users, requested):
    """Both loaded the request at the unit leader's step; the second decision is refused, not applied twice."""
    _case, proceeding = requested
    second_view = type(proceeding).objects.get(pk=proceeding.pk)
    other_leader = users["court_a_lead"].__class__.objects.create_user(
        username="court_a_lead2", password="x", org=users["court_a_lead"].org, role="unit_leader")
    proceeding_decide(actor=users["court_a_lead"], proceeding=proceeding, step="unit_leader", approve=True)
    with pytest.raises(ValidationError) as error:
        proceeding_decide(actor=other_leader, proceeding=second_view, step="unit_leader", approve=False,
                          opinion="退回")
    assert "此环节已由他人审批" in str(error.value)
    proceeding.refresh_from_db()
    assert proceeding.decisions.filter(step="unit_leader").count() == 1
    assert proceeding.current_step == "committee"


def test_a_case_already_under_a_request_cannot_get_a_second_one(users, requested):
    case, proceeding = requested
    with pytest.raises(ValidationError):
        closure_request(actor=users["court_a"], case=case, method="other", concluded_on=days_ago(1),
                        evidence_files=[pledge()])
    assert list(case.proceedings.all()) == [proceeding]


def test_the_committee_level_can_be_switched_off(users, city):
    rule_set(actor=None, org=city["QH-QY-FY"], key="closure.steps", value=["unit_leader"], reason="本院试点")
    case = case_in_progress(city["QH-QY-FY"])
    proceeding = closure_request(actor=users["court_a"], case=case, method="other", concluded_on=days_ago(2),
                                 evidence_files=[pledge()])
    proceeding_decide(actor=users["court_a_lead"], proceeding=proceeding, step="unit_leader", approve=True,
                      outcome="settled")
    case.refresh_from_db()
    assert (case.status, case.settlement_method) == (CaseStatus.CLOSED_SETTLED, "other")


def test_the_unit_withdraws_its_pending_request_and_the_case_is_back_in_progress(users, requested, city):
    case, proceeding = requested
    with pytest.raises(PermissionDenied):  # another unit cannot
        proceeding_withdraw(actor=users["court_b"], proceeding=proceeding, reason="x")
    with pytest.raises(ValidationError):
        proceeding_withdraw(actor=users["court_a"], proceeding=proceeding, reason="")
    proceeding = proceeding_withdraw(actor=users["court_a"], proceeding=proceeding, reason="保证书未签日期，重新报结")
    case.refresh_from_db()
    assert proceeding.state == ProceedingState.WITHDRAWN and case.status == CaseStatus.IN_PROGRESS
    assert pending_for(users["court_a_lead"]) == []
    with pytest.raises(ValidationError):  # nothing left to withdraw or decide
        proceeding_decide(actor=users["court_a_lead"], proceeding=proceeding, step="unit_leader", approve=True)


def test_a_city_changing_follow_up_months_changes_the_next_closures_visits_not_those_scheduled(users, city, requested):
    def close(case, proceeding):  # type: ignore[no-untyped-def]
        proceeding_decide(actor=users["court_a_lead"], proceeding=proceeding, step="unit_leader", approve=True,
                          decided_on=days_ago(15))
        proceeding_decide(actor=users["committee"], proceeding=proceeding, step="committee", approve=True,
                          decided_on=days_ago(10), outcome="settled")
        return list(FollowUp.objects.filter(case=case).values_list("due_on", flat=True))

    first, proceeding = requested
    assert close(first, proceeding) == [add_months(days_ago(10), 1), add_months(days_ago(10), 3)]
    # The city committee sets its own: the next closure in its counties follows it.
    rule_set(actor=None, org=city["QH-ZFW"], key="follow_up.months", value=[2, 6, 12], reason="延长回访")
    second = case_in_progress(city["QH-QY-FY"], name="李梅")
    proceeding = closure_request(actor=users["court_a"], case=second, method="written_pledge",
                                 concluded_on=days_ago(20), requested_on=days_ago(18), evidence_files=[pledge()])
    assert close(second, proceeding) == [add_months(days_ago(10), m) for m in (2, 6, 12)]
    # the visits already scheduled stay as they were
    assert list(FollowUp.objects.filter(case=first).values_list("due_on", flat=True)) == [
        add_months(days_ago(10), 1), add_months(days_ago(10), 3)]


def test_the_approval_page_shows_the_cases_work_record_and_evidence(client, login, users, requested):
    import datetime as dt

    from django.urls import reverse

    from qingji.ledger.models import WorkKind
    from qingji.ledger.services import work_log_add

    case, proceeding = requested
    work_log_add(actor=users["court_a"], case=case, kind=WorkKind.HOME_VISIT, date=dt.date.today(),
                 content="上门走访，信访人表示息诉")
    login(users["court_a_lead"])
    page = client.get(reverse("lifecycle:decide", args=[proceeding.pk])).content.decode()
    record = page[page.index('id="case-work-record"'):]
    assert "上门走访，信访人表示息诉" in record and f"录入人：{users['court_a'].full_name}" in record
    evidence = proceeding.evidence.first()
    assert evidence.original_name in record  # the pledge, in the timeline as well as beside the request
    assert reverse("ledger:add_work_log", args=[case.pk]) not in page  # read-only: no work form here
