"""Termination chains by kind of unit (issue #18, item 2), through the JSON API on the demo city.

A police case goes through its own leader, the city committee and the provincial committee; a basic court's
case through the intermediate court's review panel, adjudication committee and president, then the provincial
high court. Each step is decided at its unit only; a proposal keeps the chain it started with; the
preconditions of `termination.requires` are checked at the proposal, every missing one named."""

import importlib
import json

from django.apps import apps

from qingji.accounts.roles import Role
from qingji.campaigns.models import CampaignCase, GroupRole, LeadingGroupMember
from qingji.lifecycle.models import Proceeding, ProceedingKind
from qingji.organisations.models import Official
from qingji.reviews.services import matter_add, review_record
from qingji.rules.keys import COURT_CHAIN, OTHER_CHAIN
from qingji.rules.services import rule_set
from tests.campaigns.helpers import make_campaign
from tests.conftest import make_user
from tests.lifecycle.helpers import case_in_progress, terminable


def post(client, url, data):  # type: ignore[no-untyped-def]
    return client.post(url, json.dumps(data), content_type="application/json")


def propose(client, login, user, case, **extra):  # type: ignore[no-untyped-def]
    login(user)
    return post(client, f"/api/v1/cases/{case.pk}/termination", {"note": "已穷尽法律程序，信访人诉求无理", **extra})


def decide(client, login, user, proceeding_id, step, approve=True):  # type: ignore[no-untyped-def]
    login(user)
    return post(client, f"/api/v1/proceedings/{proceeding_id}/decision",
                {"step": step, "approve": approve, "opinion": "同意" if approve else "退回补充材料"})


def chain_of(answer) -> list[tuple[str, str]]:  # type: ignore[no-untyped-def]
    return [(s["code"], s["unit"]) for s in answer["steps"]]


def test_a_police_case_goes_through_its_leader_the_city_committee_and_the_provincial_committee(
        client, login, users, city):
    case = terminable(city["QH-GAJ"])
    created = propose(client, login, users["police"], case)
    assert created.status_code == 201, created.content
    proposal = created.json()
    assert chain_of(proposal) == [("unit_review", "QH-GAJ"), ("committee_review", "QH-ZFW"),
                                  ("approving_body", "JC-ZFW")]  # no court body
    assert "清河市公安局" in proposal["waiting_for"]
    pk = proposal["id"]
    assert decide(client, login, users["police"], pk, "unit_review").status_code == 403  # staff, and the proposer
    assert decide(client, login, users["court_a_lead"], pk, "unit_review").status_code == 404  # not in scope
    assert decide(client, login, users["committee_lead"], pk, "unit_review").status_code == 403  # not the unit
    assert decide(client, login, users["police_lead"], pk, "unit_review").status_code == 200
    assert decide(client, login, users["police_lead"], pk, "committee_review").status_code == 403
    assert decide(client, login, users["province"], pk, "committee_review").status_code == 403  # not the nearest
    reviewed = decide(client, login, users["committee"], pk, "committee_review")
    assert reviewed.status_code == 200 and "江川省委政法委" in reviewed.json()["waiting_for"]
    login(users["province_committee"])
    assert [p["id"] for p in client.get("/api/v1/approvals").json()] == [pk]
    assert decide(client, login, users["high_court"], pk, "approving_body").status_code in (403, 404)
    assert decide(client, login, users["committee_lead"], pk, "approving_body").status_code == 403
    approved = decide(client, login, users["province_committee"], pk, "approving_body")
    assert approved.status_code == 200 and approved.json()["state"] == "approved"
    case.refresh_from_db()
    assert case.settlement_method == "terminated"
    assert [(d["step"], d["decided_by"]) for d in approved.json()["decisions"]][1:] == [
        ("unit_review", "police_lead"), ("committee_review", "committee"), ("approving_body", "province_committee")]


def test_a_basic_courts_case_is_decided_by_the_intermediate_court_then_the_high_court(client, login, users, city):
    qy_reviewer = make_user("qy_reviewer", city["QH-QY-FY"], Role.REVIEWER)
    case = terminable(city["QH-QY-FY"])
    proposal = propose(client, login, users["court_a"], case).json()
    assert chain_of(proposal) == [("review_panel", "QH-ZY"), ("adjudication_committee", "QH-ZY"),
                                  ("leading_group", "QH-ZY"), ("approving_body", "JC-GY")]
    assert proposal["steps"][0]["decider"].endswith("— 清河市中级人民法院")
    pk = proposal["id"]
    for own in (users["court_a_lead"], qy_reviewer):  # the basic court does not decide its own case's bodies
        assert decide(client, login, own, pk, "review_panel").status_code == 403
    assert decide(client, login, users["court"], pk, "review_panel").status_code == 403  # staff of the court
    assert decide(client, login, users["reviewer"], pk, "review_panel").status_code == 200
    assert decide(client, login, users["court_a_lead"], pk, "adjudication_committee").status_code == 403
    assert decide(client, login, users["reviewer"], pk, "adjudication_committee").status_code == 403
    assert decide(client, login, users["court_lead"], pk, "adjudication_committee").status_code == 200
    assert decide(client, login, users["committee_lead"], pk, "leading_group").status_code == 403
    signed = decide(client, login, users["court_lead"], pk, "leading_group")
    assert signed.status_code == 200 and "江川省高级人民法院" in signed.json()["waiting_for"]
    assert decide(client, login, users["province"], pk, "approving_body").status_code == 403
    approved = decide(client, login, users["high_court"], pk, "approving_body")
    assert approved.status_code == 200 and approved.json()["state"] == "approved"
    # The case page shows who decided each step.
    login(users["court_a"])
    page = client.get(f"/cases/{case.pk}/").content.decode()
    assert "清河市中级人民法院" in page and "江川省高级人民法院" in page


def test_an_intermediate_courts_own_case_goes_through_its_own_bodies(client, login, users, city):
    case = terminable(city["QH-ZY"])
    proposal = propose(client, login, users["court"], case).json()
    assert chain_of(proposal) == [("review_panel", "QH-ZY"), ("adjudication_committee", "QH-ZY"),
                                  ("leading_group", "QH-ZY"), ("approving_body", "JC-GY")]


def test_in_a_campaign_with_a_head_the_head_signs_for_the_leading_group(client, login, users, city):
    head_account = make_user("campaign_head", city["QH-ZFW"], Role.COMMITTEE_LEADER, "周启明")
    head = Official.objects.get(org=city["QH-ZFW"], name="周启明")
    head.account = head_account
    head.save()
    campaign = make_campaign(city)
    LeadingGroupMember.objects.create(campaign=campaign, official=head, role=GroupRole.HEAD)
    case = terminable(city["QH-QY-FY"])
    CampaignCase.objects.create(campaign=campaign, case=case, by_hand=True)
    pk = propose(client, login, users["court_a"], case).json()["id"]
    decide(client, login, users["reviewer"], pk, "review_panel")
    at_head = decide(client, login, users["court_lead"], pk, "adjudication_committee").json()
    assert "周启明" in at_head["waiting_for"]
    assert decide(client, login, users["court_lead"], pk, "leading_group").status_code == 403
    assert decide(client, login, users["committee_lead"], pk, "leading_group").status_code == 403
    login(head_account)
    assert [p["id"] for p in client.get("/api/v1/approvals").json()] == [pk]
    signed = decide(client, login, head_account, pk, "leading_group")
    assert signed.status_code == 200 and signed.json()["current_step"] == "approving_body"


def test_a_proposal_missing_preconditions_is_refused_with_each_one_named(client, login, users, city):
    case = case_in_progress(city["QH-QY-FY"])  # a leader in charge, but no public hearing
    refused = propose(client, login, users["court_a"], case)
    assert refused.status_code == 400
    message = " ".join(refused.json()["errors"]["__all__"])
    assert "工作记录中没有公开听证" in message and "包案领导" not in message
    assert not Proceeding.objects.filter(case=case).exists()
    # Where the rules ask for all four, one refusal lists every one missing.
    rule_set(actor=None, org=city["QH-ZFW"], key="termination.requires",
             value=["responsibility", "hearing", "review", "exhausted"])
    bare = case_in_progress(city["QH-HY-FY"])
    bare.responsibility.delete()
    message = " ".join(propose(client, login, users["court_b"], bare).json()["errors"]["__all__"])
    for missing in ("包案领导", "公开听证", "评查", "三级终结"):
        assert missing in message, missing
    # With a hearing, a reviewed matter and the three decisions' references it goes ahead.
    case = terminable(city["QH-HY-FY"], name="三级终结")
    matter = matter_add(actor=None, case=case, docket_number="(2010)河民初字第12号")
    review_record(actor=None, matter=matter, grade=1)
    half = {"handling": "河信处字〔2010〕3号", "review": "清信复字〔2010〕8号", "re_review": ""}
    assert "三级终结" in " ".join(propose(client, login, users["court_b"], case, exhausted=half)
                                  .json()["errors"]["__all__"])
    given = {**half, "re_review": "江信复核字〔2011〕2号"}
    created = propose(client, login, users["court_b"], case, exhausted=given)
    assert created.status_code == 201 and created.json()["exhausted"] == given
    # The case page offers the button only where the record meets the rules (the references are the form's).
    login(users["court_b"])
    assert f"/lifecycle/cases/{bare.pk}/termination/" not in client.get(f"/cases/{bare.pk}/").content.decode()


def test_a_rule_change_does_not_reroute_a_running_termination(client, login, users, city):
    running = propose(client, login, users["police"], terminable(city["QH-GAJ"])).json()
    # The province now has its police cases reviewed by the unit and approved by the city committee.
    rule_set(actor=None, org=city["JC-ZFW"], key="termination.chains", value={"police": [
        OTHER_CHAIN[0], {"code": "approving_body", "decided_by": "unit:committee:city"}]})
    assert decide(client, login, users["police_lead"], running["id"], "unit_review").status_code == 200
    kept = decide(client, login, users["committee"], running["id"], "committee_review")
    assert kept.status_code == 200 and chain_of(kept.json()) == chain_of(running)
    assert decide(client, login, users["committee_lead"], running["id"], "approving_body").status_code == 403
    assert decide(client, login, users["province_committee"], running["id"], "approving_body").status_code == 200
    # The next proposal follows the new rule.
    later = propose(client, login, users["police"], terminable(city["QH-GAJ"], name="后提请")).json()
    assert chain_of(later) == [("unit_review", "QH-GAJ"), ("approving_body", "QH-ZFW")]


def test_a_province_may_have_its_committee_approve_the_courts_terminations(client, login, users, city):
    rule_set(actor=None, org=city["JC-ZFW"], key="termination.chains", value={"court": [
        *COURT_CHAIN[:3], {"code": "approving_body", "decided_by": "unit:committee:province"}]},
        reason="本省由省委政法委审批终结")
    proposal = propose(client, login, users["court_a"], terminable(city["QH-QY-FY"])).json()
    assert chain_of(proposal)[-1] == ("approving_body", "JC-ZFW")
    pk = proposal["id"]
    for step, account in (("review_panel", "reviewer"), ("adjudication_committee", "court_lead"),
                          ("leading_group", "court_lead")):
        assert decide(client, login, users[account], pk, step).status_code == 200
    assert decide(client, login, users["high_court"], pk, "approving_body").status_code == 403
    approved = decide(client, login, users["province"], pk, "approving_body")  # the committee's staff
    assert approved.status_code == 200 and approved.json()["state"] == "approved"


def test_a_step_whose_deciding_unit_cannot_be_found_refuses_the_proposal(client, login, users, city):
    rule_set(actor=None, org=city["QH-ZFW"], key="termination.chains", value={"police": [
        {"code": "review_panel", "decided_by": "intermediate_court"}, OTHER_CHAIN[-1]]})
    case = terminable(city["QH-GAJ"])
    refused = propose(client, login, users["police"], case)
    assert refused.status_code == 400
    assert "intermediate_court" in " ".join(refused.json()["errors"]["__all__"])
    login(users["police"])
    assert f"/lifecycle/cases/{case.pk}/termination/" not in client.get(f"/cases/{case.pk}/").content.decode()


def test_the_migration_gives_the_stored_steps_their_deciding_units(users, city):
    migration = importlib.import_module("qingji.lifecycle.migrations.0002_resolved_steps")
    police, court = case_in_progress(city["QH-GAJ"]), case_in_progress(city["QH-QY-FY"], name="法院")
    old = ["review_panel", "adjudication_committee", "leading_group", "approving_body"]
    made = [Proceeding.objects.create(case=c, kind=ProceedingKind.TERMINATION, steps=old, requested_on=c.registered_on)
            for c in (police, court)]
    closure = Proceeding.objects.create(case=case_in_progress(city["QH-QY-FY"], name="报结"),
                                        kind=ProceedingKind.CLOSURE, steps=["unit_leader", "committee"],
                                        requested_on=police.registered_on)
    migration.forwards(apps, None)
    ids = {o.pk: o.code for o in city.values()}
    units = {p.pk: [(s["code"], ids[s["unit"]]) for s in Proceeding.objects.get(pk=p.pk).steps]
             for p in [*made, closure]}
    assert units[made[0].pk] == [("review_panel", "QH-GAJ"), ("adjudication_committee", "QH-GAJ"),
                                 ("leading_group", "QH-ZFW"), ("approving_body", "JC-ZFW")]
    assert units[made[1].pk] == [("review_panel", "QH-ZY"), ("adjudication_committee", "QH-ZY"),
                                 ("leading_group", "QH-ZY"), ("approving_body", "JC-GY")]
    assert units[closure.pk] == [("unit_leader", "QH-QY-FY"), ("committee", "QH-ZFW")]
