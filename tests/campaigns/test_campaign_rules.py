"""A campaign's rules come from the rule sets: its own, else its organiser's, else the default; a frozen bulletin
keeps the rules it was computed with."""

import datetime as dt
from io import BytesIO, StringIO

import pytest
from django.core.management import call_command
from django.urls import reverse
from docx import Document

from qingji.audit.models import AuditEntry
from qingji.campaigns.assessment import assessment
from qingji.campaigns.bulletins import bulletin_issue, half_month_end_after, next_bulletin_due, rank_rows, verdicts
from qingji.campaigns.render import bulletin_docx
from qingji.campaigns.selectors import milestone_date, progress
from qingji.rules.models import RuleChange
from qingji.rules.selectors import RuleBook
from qingji.rules.services import rule_set, rule_unset
from qingji.supervision.models import Notification
from qingji.supervision.scan import run_scan
from tests.campaigns.helpers import COURTS, apply, make_campaign, screening, settle

D = dt.date


def test_a_milestone_is_due_at_the_end_of_its_month_of_the_campaign():
    assert milestone_date(D(2011, 11, 1), 1) == D(2011, 11, 30)
    assert milestone_date(D(2011, 11, 1), 4) == D(2012, 2, 29)
    assert milestone_date(D(2012, 1, 31), 1) == D(2012, 2, 28)  # 29 February less a day
    assert milestone_date(D(2012, 3, 15), 2) == D(2012, 5, 14)


def test_the_campaign_inherits_the_organiser_s_rule_and_its_own_wins(city, users, client, login):
    campaign = make_campaign(city, rules={"campaign.milestones": None})
    assert progress(users["committee"], campaign, D(2011, 12, 1))["in_force"].target_rate == 65  # default, month 1
    rule_set(actor=users["committee"], org=city["QH-ZFW"], key="campaign.milestones",
             value=[{"month": 1, "rate": 30}, {"month": 2, "rate": 50}], reason="市委政法委的阶段目标")
    rule_set(actor=None, org=city["QH-ZFW"], key="bulletin.cadence", value="half_monthly")
    seen = progress(users["committee"], campaign, D(2011, 12, 1))
    assert seen["in_force"].target_rate == 30 and seen["next"].date == D(2011, 12, 31)
    login(users["committee"])
    page = client.get(reverse("campaigns:detail", args=[campaign.code]), {"as_of": "2011-12-01"}).content.decode()
    assert "清河市委政法委" in page and "半月" in page  # the cadence and where it comes from
    form = client.get(reverse("campaigns:edit", args=[campaign.code])).content.decode()
    assert "清河市委政法委" in form  # the help says whose value is inherited
    rule_set(actor=users["committee"], campaign=campaign, key="bulletin.cadence", value="weekly")
    resolved = RuleBook().resolve("bulletin.cadence", campaign=campaign)
    assert (resolved.value, resolved.source) == ("weekly", campaign.code)
    # another campaign of the same organiser still follows the organiser
    other = make_campaign(city, code="OTHER")
    assert RuleBook().resolve("bulletin.cadence", campaign=other).source == "QH-ZFW"
    rule_unset(actor=users["committee"], campaign=campaign, key="bulletin.cadence")
    assert RuleBook().value("bulletin.cadence", campaign=campaign) == "half_monthly"


def test_half_monthly_bulletins_are_due_on_the_15th_and_the_month_s_last_day(city, users):
    assert [half_month_end_after(d) for d in (D(2012, 1, 1), D(2012, 1, 15), D(2012, 1, 20), D(2012, 2, 29),
                                              D(2012, 12, 31))] == [
        D(2012, 1, 15), D(2012, 1, 31), D(2012, 1, 31), D(2012, 3, 15), D(2013, 1, 15)]
    campaign = make_campaign(city, rules={"bulletin.cadence": "half_monthly"})
    first = bulletin_issue(actor=None, campaign=campaign, as_of=D(2012, 1, 15))
    assert first.cadence == "half_monthly" and next_bulletin_due(campaign) == D(2012, 1, 31)
    assert run_scan(D(2012, 1, 30))["bulletins"] == 0
    assert run_scan(D(2012, 1, 31))["bulletins"] == 2  # the committee's staff and leader
    bulletin_issue(actor=None, campaign=campaign, as_of=D(2012, 1, 31))
    assert next_bulletin_due(campaign) == D(2012, 2, 15)
    assert Notification.objects.filter(kind="bulletin_due").count() == 2


def document_text(snapshot: dict) -> list[str]:
    doc = Document(BytesIO(bulletin_docx(snapshot)))
    return [p.text for p in doc.paragraphs] + [c.text for t in doc.tables for r in t.rows for c in r.cells]


ROWS = [{"org": code, "settled": settled, "total": 4, "overdue": 0}
        for code, settled in (("A", 4), ("B", 3), ("C", 2), ("D", 1), ("E", 0))]


@pytest.mark.parametrize(("commend", "criticise", "target", "commended", "criticised"), [
    (3, "under_milestone", 50, {"A", "B", "C"}, {"D", "E"}),  # the defaults: top 3 meeting it, all under it
    (3, "under_milestone", 80, {"A"}, {"B", "C", "D", "E"}),  # only one meets 80 %
    ("over_milestone", 1, 50, {"A", "B", "C"}, {"E"}),  # everyone over it; the last one under it
    (1, 2, 50, {"A"}, {"D", "E"}),
    (0, 0, 50, set(), set()),
    (2, 1, None, {"A", "B"}, {"E"}),  # before the first milestone: by rank alone
    ("over_milestone", "under_milestone", None, set(), set()),
])
def test_commendation_and_criticism_follow_the_rules(commend, criticise, target, commended, criticised):
    ranked = rank_rows(ROWS)
    assert verdicts(ranked, None if target is None else target, commend, criticise) == (commended, criticised)


def test_the_bulletin_commends_and_criticises_by_the_campaign_s_rules(city):
    cases = screening(city)
    campaign = make_campaign(city, rules={"bulletin.commend": "over_milestone",
                                          "bulletin.criticise": "under_milestone"})
    apply(campaign)
    for code, n in zip(COURTS, (4, 3, 2, 1), strict=True):
        for case in cases[code][:n]:
            settle(case, D(2012, 1, 20))
    bulletin = bulletin_issue(actor=None, campaign=campaign, as_of=D(2012, 1, 31))  # 65 % in force
    rows = {r["org"]: (r["commended"], r["criticised"]) for r in bulletin.snapshot["rows"]}
    assert rows == {"QH-ZY": (True, False), "QH-QY-FY": (True, False), "QH-HY-FY": (False, True),
                    "QH-AP-FY": (False, True)}
    text = "\n".join(p.text for p in Document(BytesIO(bulletin_docx(bulletin.snapshot))).paragraphs)
    assert "达到阶段目标" in text


def test_changing_the_milestones_changes_the_progress_and_the_next_bulletin_not_those_issued(city, users, client,
                                                                                           login):
    cases = screening(city)
    campaign = make_campaign(city)
    apply(campaign)
    for case in cases["QH-ZY"][:3]:  # 75 %
        settle(case, D(2012, 1, 20))
    first = bulletin_issue(actor=None, campaign=campaign, as_of=D(2012, 1, 31))
    assert first.snapshot["milestone"] == {"month": 3, "date": "2012-01-31", "target": "65"}
    assert first.snapshot["rules"]["campaign.milestones"][0] == {"month": 3, "rate": 65}
    assert next(r for r in first.snapshot["rows"] if r["org"] == "QH-ZY")["meets_target"] is True
    first.refresh_from_db()
    frozen, document = first.snapshot, document_text(first.snapshot)
    login(users["committee"])
    page = client.get(reverse("campaigns:bulletin", args=[campaign.code, 1])).content.decode()

    rule_set(actor=users["committee"], campaign=campaign, key="campaign.milestones",
             value=[{"month": 3, "rate": 80}, {"month": 4, "rate": 90}], reason="提高目标")
    seen = progress(users["committee"], campaign, D(2012, 2, 1))
    assert seen["in_force"].target_rate == 80 and seen["next"].target_rate == 90
    assert {u["org"]: u["meets"] for u in seen["units"]}["QH-ZY"] is False
    detail = client.get(reverse("campaigns:detail", args=[campaign.code]), {"as_of": "2012-02-01"}).content.decode()
    assert "80%" in detail and "90%" in detail

    first.refresh_from_db()
    assert first.snapshot == frozen and document_text(first.snapshot) == document
    again = client.get(reverse("campaigns:bulletin", args=[campaign.code, 1])).content.decode()
    assert again.split("<main")[-1] == page.split("<main")[-1]
    assert "65%" in again and "80%" not in again
    second = bulletin_issue(actor=None, campaign=campaign, as_of=D(2012, 2, 1))
    assert second.snapshot["milestone"]["target"] == "80"
    assert next(r for r in second.snapshot["rows"] if r["org"] == "QH-ZY")["meets_target"] is False


def test_the_assessment_takes_its_penalty_bonus_and_weights_from_the_rules(city, users, client, login):
    cases = screening(city)
    campaign = make_campaign(city, rules={"assessment.weights": {"bulletins": 100}})
    apply(campaign)
    settle(cases["QH-ZY"][0], D(2012, 1, 20))
    bulletin = bulletin_issue(actor=None, campaign=campaign, as_of=D(2012, 1, 31))
    last = bulletin.snapshot["rows"][-1]["org"]  # the last, criticised; nobody meets 65 %: nobody commended
    assert bulletin.snapshot["rows"][-1]["criticised"]
    rows = {r["org"]: r for r in assessment(campaign, D(2012, 2, 1))["rows"]}
    assert rows[last]["score"] == "75.0" and rows["QH-ZY"]["score"] == "100.0"  # 25 points off
    rule_set(actor=None, org=city["QH-ZFW"], key="assessment.criticism_penalty", value=40)
    rule_set(actor=None, campaign=campaign, key="assessment.veto", value=["beijing_abnormal", "group"])
    assert {r["org"]: r["score"] for r in assessment(campaign, D(2012, 2, 1))["rows"]}[last] == "60.0"
    login(users["court_a"])
    page = client.get(reverse("campaigns:assessment", args=[campaign.code])).content.decode()
    assert "进京非正常访" in page and "集体访" in page and "本专项活动" in page


def test_issuing_with_a_cadence_sets_the_campaign_s_rule_audited(city, users, client, login):
    campaign = make_campaign(city)
    call_command("bulletin", "issue", "--campaign", campaign.code, "--as-of", "2012-01-31", "--cadence",
                 "half_monthly", stdout=StringIO())
    change = RuleChange.objects.get(campaign=campaign, key="bulletin.cadence")
    assert change.new == "half_monthly" and "1" in change.reason
    assert AuditEntry.objects.filter(action="rules.set", object_repr__contains="bulletin.cadence").exists()
    assert next_bulletin_due(campaign) == D(2012, 2, 15)
    # the committee's leader issues bulletins but does not change the campaign's rules
    login(users["committee_lead"])
    detail = client.get(reverse("campaigns:detail", args=[campaign.code])).content.decode()
    assert 'name="cadence"' not in detail
    client.post(reverse("campaigns:issue", args=[campaign.code]), {"as_of": "2012-02-15", "cadence": "weekly"})
    assert RuleBook().value("bulletin.cadence", campaign=campaign) == "half_monthly"
    assert campaign.bulletins.count() == 1
    client.post(reverse("campaigns:issue", args=[campaign.code]), {"as_of": "2012-02-15"})
    assert campaign.bulletins.count() == 2
