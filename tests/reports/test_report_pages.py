import datetime as dt
import io
import zipfile

import openpyxl
from django.urls import reverse

from qingji.audit.models import AuditEntry
from qingji.ledger.models import CaseStatus
from tests.ledger.factories import make_case


def test_it_shows_the_users_scope_with_drill_down_links_to_the_ledger(client, users, city):
    make_case(city["QH-QY-FY"], name="甲", status=CaseStatus.CLOSED_SETTLED, method="written_pledge",
              registered_on=dt.date(2026, 1, 5), closed_on=dt.date(2026, 2, 1))
    make_case(city["QH-GAJ"], name="乙", registered_on=dt.date(2026, 1, 6))
    make_case(city["BY-ZY"], name="丙", registered_on=dt.date(2026, 1, 7))
    client.force_login(users["committee"])
    response = client.get(reverse("reports:summary"), {"as_of": "2026-03-31"})
    report = response.context["report"]
    assert (report["total"], report["settled"], report["settlement_rate"]) == (2, 1, "50.0")
    body = response.content.decode()
    assert "/cases/?as_of=2026-03-31&amp;status=closed_settled&amp;method=written_pledge" in body
    drilled = client.get("/cases/", {"as_of": "2026-03-31", "status": "closed_settled", "method": "written_pledge"})
    assert drilled.context["page"].paginator.count == 1


def test_a_basic_court_sees_only_its_own_figures(client, users, city):
    make_case(city["QH-QY-FY"], name="甲")
    make_case(city["QH-HY-FY"], name="乙")
    client.force_login(users["court_a"])
    assert client.get(reverse("reports:summary")).context["report"]["total"] == 1


def test_downloads_are_the_same_figures_and_are_audited(client, users, city):
    make_case(city["QH-QY-FY"], name="甲", status=CaseStatus.CLOSED_SETTLED, method="other")
    client.force_login(users["court_a"])
    workbook = openpyxl.load_workbook(io.BytesIO(client.get(reverse("reports:download", args=["xlsx"])).content))
    assert workbook.worksheets[0]["B3"].value == 1
    document = client.get(reverse("reports:download", args=["docx"]))
    assert "息诉罢访率100%" in zipfile.ZipFile(io.BytesIO(document.content)).read("word/document.xml").decode()
    assert AuditEntry.objects.filter(action="report.export", actor_name="court_a").count() == 2


def test_the_dashboard_shows_figures_trend_and_my_tasks(client, users, city):
    from qingji.ledger.services import responsibility_assign

    case = make_case(city["QH-QY-FY"], name="甲", registered_on=dt.date(2026, 1, 5))
    lead = city["QH-QY-FY"].officials.get(name="陈家和")
    handler = city["QH-QY-FY"].officials.get(name="卫晓明")
    handler.account = users["court_a"]
    handler.save()
    responsibility_assign(actor=None, case=case, lead_official=lead, handlers=[handler],
                          deadline=dt.date.today() + dt.timedelta(days=3), plan="p", goal="g",
                          effective_on=dt.date(2026, 1, 5))
    client.force_login(users["court_a"])
    body = client.get(reverse("web:dashboard")).content.decode()
    assert 'data-chart="trend-chart"' in body and case.ledger_no in body


def test_administrators_see_no_case_figures_on_the_dashboard(client, users, city, login):
    make_case(city["QH-QY-FY"], name="甲")
    login(users["committee"])
    assert "trend-chart" in client.get(reverse("web:dashboard")).content.decode()
    for admin in ("sysadmin", "secadmin", "auditor"):
        client.logout()
        # Signed in with the two-factor step done, so the dashboard itself answers (not the enrolment page).
        login(users[admin])
        response = client.get(reverse("web:dashboard"))
        assert response.status_code == 200
        body = response.content.decode()
        assert "工作台" in body
        assert "trend-chart" not in body and "dash-org-chart" not in body and "甲" not in body


def test_the_dashboard_trend_shows_the_targets_of_the_units_campaigns_as_the_rules_set_them(client, users, city):
    import json
    import re

    from qingji.campaigns.services import campaign_create
    from qingji.rules.services import rule_set

    campaign = campaign_create(actor=None, code="QJ", name="积案化解", organiser=city["QH-ZFW"],
                               starts_on=dt.date(2026, 1, 1), ends_on=dt.date(2026, 12, 31))
    rule_set(actor=None, campaign=campaign, key="campaign.milestones",
             value=[{"month": 2, "rate": 30}, {"month": 6, "rate": 80}])
    client.force_login(users["committee"])
    body = client.get(reverse("web:dashboard")).content.decode()
    chart = json.loads(re.search(r'<script id="trend-chart" type="application/json">(.*?)</script>', body,
                                 re.S).group(1))
    targets = [s for s in chart["series"] if s["name"] == "阶段目标"]
    assert targets[0]["data"] == [["2026-02-28", 30.0], ["2026-06-30", 80.0]]
