"""The buttons a page offers are the actions its service accepts (lifecycle/policy.py, lib/checks.py).

For every account and every case in a range of states, the case page's lifecycle buttons are read, and each
action is then tried through its service (and rolled back): a button is shown exactly when the service
accepts the action. The explanations page likewise shows the form exactly to whom the service lets submit."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.urls import reverse

from qingji.campaigns.models import Bulletin, ExplanationStatus, ExplanationTask
from qingji.campaigns.services import explanation_submit
from qingji.ledger.models import CaseStatus, SettlementMethod
from qingji.lifecycle.models import Proceeding, ProceedingState
from qingji.lifecycle.services import (
    case_reopen,
    closure_request,
    follow_up_record,
    proceeding_decide,
    proceeding_withdraw,
    schedule_follow_ups,
    termination_propose,
)
from qingji.rules.services import rule_set
from tests.campaigns.helpers import make_campaign
from tests.ledger.factories import make_case
from tests.lifecycle.helpers import START, case_in_progress, days_ago, pledge, terminable

ACCOUNTS = ["court_a", "court_a_lead", "court_b", "court", "committee", "committee_lead", "reviewer", "high_court",
            "police", "outsider"]
TODAY = dt.date.today()


class _Rollback(Exception):
    pass


def _accepted(action) -> bool:  # type: ignore[no-untyped-def]
    """Whether the service accepts the action (then undone)."""
    try:
        with transaction.atomic():
            action()
            raise _Rollback
    except _Rollback:
        return True
    except (PermissionDenied, ValidationError):
        return False


def _cases(users, city):  # type: ignore[no-untyped-def]
    """A case in each state the buttons depend on, most of them of the Qingyuan court (court_a's unit)."""
    qy = city["QH-QY-FY"]
    closure_asked = case_in_progress(qy, name="报结")
    closure_request(actor=users["court_a"], case=closure_asked, method="written_pledge", concluded_on=days_ago(10),
                    requested_on=days_ago(9), evidence_files=[pledge()])
    at_committee = case_in_progress(qy, name="待验收")
    asked = closure_request(actor=users["court_a"], case=at_committee, method="other", concluded_on=days_ago(10),
                            requested_on=days_ago(9), evidence_files=[pledge()])
    proceeding_decide(actor=users["court_a_lead"], proceeding=asked, step="unit_leader", approve=True,
                      decided_on=days_ago(8))
    terminating = terminable(qy, name="终结中")
    termination_propose(actor=users["court_a"], case=terminating, note="穷尽法律程序", requested_on=days_ago(9))
    settled = make_case(qy, name="已息", registered_on=START, status=CaseStatus.CLOSED_SETTLED,
                        method=SettlementMethod.WRITTEN_PLEDGE, closed_on=days_ago(100))
    schedule_follow_ups(settled, settled.closed_on)
    return {
        "registered": make_case(qy, name="登记", registered_on=START),
        "in progress": terminable(qy, name="办理"),
        "in progress, no hearing": case_in_progress(qy, name="未听证"),
        "closure at the unit leader": closure_asked,
        "closure at the committee": at_committee,
        "termination proposed": terminating,
        "settled, visits due": settled,
        "terminated": make_case(qy, name="终结", registered_on=START, status=CaseStatus.CLOSED_SETTLED,
                                method=SettlementMethod.TERMINATED, closed_on=days_ago(30)),
        "closed unsettled": make_case(city["QH-HY-FY"], name="未息", registered_on=START,
                                      status=CaseStatus.CLOSED_UNSETTLED, closed_on=days_ago(30)),
        "police, in progress": case_in_progress(city["QH-GAJ"], name="公安"),
    }


def _actions(user, case):  # type: ignore[no-untyped-def]
    """Each lifecycle action on the case: (the URL its button links to, the service call)."""
    pending = Proceeding.objects.filter(case=case, state=ProceedingState.PENDING).first()
    found = {
        "closure": (reverse("lifecycle:closure", args=[case.pk]), lambda: closure_request(
            actor=user, case=case, method="written_pledge", concluded_on=TODAY, evidence_files=[pledge()])),
        "termination": (reverse("lifecycle:termination", args=[case.pk]), lambda: termination_propose(
            actor=user, case=case, note="穷尽法律程序")),
        "reopen": (reverse("lifecycle:reopen", args=[case.pk]), lambda: case_reopen(
            actor=user, case=case, petitioned_on=TODAY, description="再次上访")),
    }
    if pending is not None:
        found["decide"] = (reverse("lifecycle:decide", args=[pending.pk]), lambda: proceeding_decide(
            actor=user, proceeding=pending, step=pending.current_step, approve=True, opinion="同意"))
        found["withdraw"] = (reverse("lifecycle:withdraw", args=[pending.pk]), lambda: proceeding_withdraw(
            actor=user, proceeding=pending, reason="撤回"))
    for visit in case.follow_ups.filter(done_on=None, sample_check=None):
        found[f"visit {visit.due_on}"] = (reverse("lifecycle:follow_up", args=[visit.pk]),
                                          lambda visit=visit: follow_up_record(actor=user, follow_up=visit,
                                                                               done_on=TODAY, result="stable"))
    return found


def test_each_case_page_offers_exactly_the_lifecycle_actions_its_services_accept(client, users, city):
    cases = _cases(users, city)
    offered_somewhere: set[str] = set()
    for account in ACCOUNTS:
        client.force_login(users[account])
        for state, case in cases.items():
            response = client.get(reverse("ledger:detail", args=[case.pk]))
            page = response.content.decode() if response.status_code == 200 else ""
            for action, (url, call) in _actions(users[account], case).items():
                shown = f'href="{url}"' in page
                assert shown == _accepted(call), (account, state, action, shown)
                if shown:
                    offered_somewhere.add(action.split()[0])
    assert offered_somewhere == {"closure", "termination", "reopen", "decide", "withdraw", "visit"}


def test_a_terminated_case_is_not_proposed_for_termination_again(client, users, city):
    # A terminated case is then closed unsettled, like an open one.
    rule_set(actor=None, org=city["QH-ZFW"], key="termination.counts_as_settled", value=False)
    case = make_case(city["QH-QY-FY"], registered_on=START, status=CaseStatus.CLOSED_UNSETTLED,
                     method=SettlementMethod.TERMINATED, closed_on=days_ago(30))
    assert case.settlement_method == SettlementMethod.TERMINATED
    client.force_login(users["court_a"])
    page = client.get(reverse("ledger:detail", args=[case.pk])).content.decode()
    assert reverse("lifecycle:termination", args=[case.pk]) not in page
    with pytest.raises(ValidationError, match="已终结"):
        termination_propose(actor=users["court_a"], case=case, note="再次终结")
    # Nor, where termination does not count as settled, a case closed unsettled: its approval could not close it.
    unsettled = make_case(city["QH-QY-FY"], name="未息", registered_on=START, status=CaseStatus.CLOSED_UNSETTLED,
                          closed_on=days_ago(30))
    assert reverse("lifecycle:termination", args=[unsettled.pk]) not in client.get(
        reverse("ledger:detail", args=[unsettled.pk])).content.decode()
    with pytest.raises(ValidationError):
        termination_propose(actor=users["court_a"], case=unsettled, note="终结")


def _tasks(city) -> list[ExplanationTask]:  # type: ignore[no-untyped-def]
    campaign = make_campaign(city)
    bulletin = Bulletin.objects.create(campaign=campaign, number=1, as_of=dt.date(2012, 1, 31), cadence="monthly",
                                       snapshot={"rows": []})
    make = lambda code, **kw: ExplanationTask.objects.create(  # noqa: E731
        campaign=campaign, bulletin=bulletin, org=city[code], due_on=dt.date(2012, 2, 10), **kw)
    return [make("QH-ZY"), make("QH-QY-FY"),
            make("QH-HY-FY", status=ExplanationStatus.SUBMITTED, text="已说明", submitted_on=dt.date(2012, 2, 5))]


def test_the_explanations_page_offers_the_form_exactly_to_whom_the_service_lets_submit(client, users, city):
    tasks = _tasks(city)
    offered = set()
    for account in ["court", "court_a", "court_a_lead", "court_b", "committee", "committee_lead", "outsider"]:
        client.force_login(users[account])
        page = client.get(reverse("campaigns:explanations")).content.decode()
        for task in tasks:
            shown = reverse("campaigns:explanation_submit", args=[task.pk]) in page
            accepted = _accepted(lambda task=task, account=account: explanation_submit(
                actor=users[account], task=ExplanationTask.objects.get(pk=task.pk), text="我院已整改",
                submitted_on=TODAY))
            assert shown == accepted, (account, task.org.code)
            if shown:
                offered.add((account, task.org.code))
    assert offered == {("court", "QH-ZY"), ("court_a", "QH-QY-FY"), ("court_a_lead", "QH-QY-FY")}
