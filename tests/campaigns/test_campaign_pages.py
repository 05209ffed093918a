"""Committee staff set a campaign up in the browser's forms and follow it; units see it and explain."""

import datetime as dt
from io import BytesIO

from django.urls import reverse
from docx import Document

from qingji.campaigns.bulletins import bulletin_issue
from qingji.campaigns.models import AssessmentVeto, Campaign, ExplanationTask
from qingji.rules.models import RuleChange
from qingji.rules.selectors import RuleBook
from tests.campaigns.helpers import COURTS, apply, make_campaign, screening, settle

D = dt.date
FORM = {
    "code": "QJ2012", "name": "全市集中清理涉法涉诉信访积案专项活动", "starts_on": "2011-11-01",
    "ends_on": "2012-04-30", "cutoff_date": "2011-12-31", "bulletin_cadence": "",
    "sources": ["city_committee"],
    "phases": "动员部署 2011-11-01 2011-11-15\n排查摸底 2011-11-16 2011-12-31\n集中化解 2012-01-01 2012-03-31\n"
              "检查验收 2012-04-01 2012-04-20\n考核表彰 2012-04-21 2012-04-30",
    "milestones": "3 65\n4 85%\n5 90\n6 95",
    "commend": "top", "commend_n": "1", "criticise": "", "explanation_after": "", "explanation_due_days": "",
}


def test_it_lets_committee_staff_set_up_a_campaign_with_the_default_phases_offered(city, users, client, login):
    login(users["committee"])
    page = client.get(reverse("campaigns:create")).content.decode()
    for phase in ("动员部署", "排查摸底", "集中化解", "检查验收", "考核表彰"):
        assert phase in page
    response = client.post(reverse("campaigns:create"), {**FORM, "units": [city["QH-ZY"].pk]})
    assert response.status_code == 302
    campaign = Campaign.objects.get(code="QJ2012")
    assert campaign.organiser == city["QH-ZFW"] and campaign.sources == ["city_committee"]
    own = RuleBook().own(campaign=campaign)
    assert own["campaign.milestones"] == [{"month": 3, "rate": 65}, {"month": 4, "rate": 85},
                                          {"month": 5, "rate": 90}, {"month": 6, "rate": 95}]
    assert own["bulletin.commend"] == 1 and "bulletin.cadence" not in own  # left empty: inherited
    assert RuleChange.objects.filter(campaign=campaign).count() == 2
    assert [p.name for p in campaign.phases.all()][0] == "动员部署"
    assert list(campaign.units.all()) == [city["QH-ZY"]]


def test_it_says_which_line_of_the_milestones_is_wrong(city, users, client, login):
    login(users["committee"])
    response = client.post(reverse("campaigns:create"), {**FORM, "milestones": "3 65\n四 85"})
    assert response.status_code == 200 and "第2行" in response.content.decode()
    response = client.post(reverse("campaigns:create"), {**FORM, "milestones": "3 65\n4 50"})
    assert response.status_code == 200 and "campaign.milestones：" in response.content.decode()
    assert not Campaign.objects.exists() and not RuleChange.objects.exists()


def test_it_edits_the_settings_and_switches_cadence(city, users, client, login):
    campaign = make_campaign(city)
    login(users["committee"])
    response = client.post(reverse("campaigns:edit", args=[campaign.code]),
                           {**FORM, "bulletin_cadence": "weekly", "milestones": "3 70", "commend": "",
                            "reason": "改为每周通报"})
    assert response.status_code == 302
    own = RuleBook().own(campaign=campaign)
    assert own == {"bulletin.cadence": "weekly", "campaign.milestones": [{"month": 3, "rate": 70}]}
    change = RuleChange.objects.get(campaign=campaign, key="bulletin.cadence")
    assert change.reason == "改为每周通报" and change.changed_by == users["committee"]


def test_it_joins_cases_by_the_rules_and_by_hand(city, users, client, login):
    cases = screening(city)
    campaign = make_campaign(city, units=[city["QH-HY-FY"]])
    login(users["committee"])
    client.post(reverse("campaigns:apply_scope", args=[campaign.code]))
    assert campaign.memberships.count() == 4
    extra = cases["QH-ZY"][0]
    client.post(reverse("campaigns:add_case", args=[campaign.code]), {"ledger_no": extra.ledger_no})
    client.post(reverse("campaigns:apply_scope", args=[campaign.code]))
    assert campaign.memberships.count() == 5 and campaign.memberships.get(case=extra).by_hand
    other = make_campaign(city, code="OTHER")
    client.post(reverse("campaigns:add_case", args=[other.code]), {"ledger_no": extra.ledger_no})
    assert extra.campaign_memberships.count() == 2  # one case, two campaigns
    client.post(reverse("campaigns:remove_case", args=[campaign.code]), {"ledger_no": extra.ledger_no})
    assert campaign.memberships.count() == 4


def test_it_shows_progress_against_the_milestones_with_units_behind_in_red(city, users, client, login):
    cases = screening(city)
    campaign = make_campaign(city)
    apply(campaign)
    for case in cases["QH-ZY"][:3] + cases["QH-QY-FY"][:3]:
        settle(case, D(2012, 1, 20))
    login(users["committee"])
    page = client.get(reverse("campaigns:detail", args=[campaign.code]), {"as_of": "2012-02-01"}).content.decode()
    assert "2012-02-29前还需化解8件" in page  # 6 of 16 settled; 85% needs 14
    assert page.count('class="table-danger behind"') == 2  # the two courts below 65%
    assert 'data-chart="progress-chart"' in page and "echarts.min.js" in page


def test_it_issues_a_bulletin_from_the_button_and_serves_its_document(city, users, client, login):
    cases = screening(city)
    campaign = make_campaign(city)
    apply(campaign)
    settle(cases["QH-ZY"][0], D(2012, 1, 20))
    login(users["committee_lead"])
    response = client.post(reverse("campaigns:issue", args=[campaign.code]),
                           {"as_of": "2012-01-31", "cadence": "monthly"})
    assert response.status_code == 302 and response["Location"].endswith("/bulletins/1/")
    page = client.get(response["Location"]).content.decode()
    assert "清河市中级人民法院" in page and "批评" in page
    download = client.get(reverse("campaigns:bulletin_docx", args=[campaign.code, 1]))
    assert "清河市中级人民法院" in "".join(c.text for c in Document(BytesIO(download.content)).tables[0].rows[1].cells)


def test_it_lets_the_criticised_unit_submit_its_written_explanation(city, users, client, login):
    screening(city)
    campaign = make_campaign(city)
    apply(campaign)
    bulletin_issue(actor=None, campaign=campaign, as_of=D(2012, 1, 31))
    bulletin_issue(actor=None, campaign=campaign, as_of=D(2012, 2, 29))
    task = ExplanationTask.objects.get()
    assert task.org.code == "QH-ZY"  # all at 0%, equally overdue: last by code, twice
    login(users["court"])
    assert "吴正平" in client.get(reverse("campaigns:explanations")).content.decode()
    client.post(reverse("campaigns:explanation_submit", args=[task.pk]), {"text": "我院工作不力，已制定整改措施。"})
    task.refresh_from_db()
    assert task.status == "submitted" and task.submitted_by == users["court"]


def test_it_scores_units_and_voids_a_vetoed_rating(city, users, client, login):
    cases = screening(city)
    campaign = make_campaign(city)
    apply(campaign)
    for code in COURTS:
        settle(cases[code][0], D(2012, 1, 20))
    bulletin_issue(actor=None, campaign=campaign, as_of=D(2012, 1, 31))
    login(users["committee"])
    url = reverse("campaigns:assessment", args=[campaign.code])
    page = client.get(url, {"as_of": "2012-04-30"}).content.decode()
    assert "得分" in page and "清河市中级人民法院" in page
    client.post(reverse("campaigns:veto", args=[campaign.code]), {"org": "QH-AP-FY", "reason": "发生进京非访"})
    assert AssessmentVeto.objects.get().org == city["QH-AP-FY"]
    assert "发生进京非访" in client.get(url, {"as_of": "2012-04-30"}).content.decode()


def test_units_see_the_campaign_but_cannot_change_it(city, users, client, login):
    campaign = make_campaign(city)
    login(users["court_a"])
    assert client.get(reverse("campaigns:detail", args=[campaign.code])).status_code == 200
    assert client.post(reverse("campaigns:apply_scope", args=[campaign.code])).status_code == 403
    assert client.get(reverse("campaigns:create")).status_code == 403


def test_it_refuses_the_campaign_form_to_committee_staff_without_a_unit(city, client, login):
    from qingji.accounts.models import User
    from qingji.accounts.roles import Role

    login(User.objects.create_user(username="no_unit", password="x", role=Role.COMMITTEE_STAFF))
    assert client.get(reverse("campaigns:list")).status_code == 200
    assert client.get(reverse("campaigns:create")).status_code == 403
