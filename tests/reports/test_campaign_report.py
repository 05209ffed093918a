"""The report of a campaign, as a basic court sees it: the city committee's campaign is seen by every unit of
the city, so every unit can report on it — page, form, workbook, document and API give its figures."""

import datetime as dt
import io
import zipfile

import openpyxl
import pytest
from django.urls import reverse

from qingji.campaigns.services import campaign_add_case, campaign_create
from qingji.ledger.models import CaseStatus
from tests.ledger.factories import make_case

D = dt.date


@pytest.fixture
def campaign(city, users):  # type: ignore[no-untyped-def]
    """The city committee's campaign holds one of 清源区法院's two cases, the settled one."""
    settled = make_case(city["QH-QY-FY"], name="甲", status=CaseStatus.CLOSED_SETTLED, method="written_pledge",
                        registered_on=D(2026, 1, 5), closed_on=D(2026, 2, 1))
    make_case(city["QH-QY-FY"], name="乙", registered_on=D(2026, 1, 6))
    chosen = campaign_create(actor=users["committee"], code="QH-2026", name="积案化解", organiser=city["QH-ZFW"],
                             starts_on=D(2026, 1, 1), ends_on=D(2026, 6, 30))
    campaign_add_case(actor=users["committee"], campaign=chosen, case=settled)
    return chosen


def test_the_campaign_s_page_opens_for_a_basic_court(client, users, campaign):
    client.force_login(users["court_a"])
    assert client.get(reverse("campaigns:detail", args=[campaign.code])).status_code == 200


def test_the_report_form_offers_the_campaign_and_the_page_gives_its_figures(client, users, campaign):
    client.force_login(users["court_a"])
    form = client.get(reverse("reports:summary")).context["form"]
    assert list(form.fields["campaign"].queryset) == [campaign]
    response = client.get(reverse("reports:summary"), {"campaign": campaign.code, "as_of": "2026-03-31"})
    report = response.context["report"]
    assert report["scope"]["campaign"] == campaign.code
    assert (report["total"], report["settled"], report["settlement_rate"]) == (1, 1, "100.0")
    assert f'<option value="{campaign.code}" selected>' in response.content.decode()
    whole = client.get(reverse("reports:summary"), {"as_of": "2026-03-31"}).context["report"]
    assert (whole["total"], whole["settled"]) == (2, 1)


def test_the_workbook_and_the_document_give_the_campaign_s_figures(client, users, campaign):
    client.force_login(users["court_a"])
    params = {"campaign": campaign.code, "as_of": "2026-03-31"}
    workbook = openpyxl.load_workbook(io.BytesIO(client.get(reverse("reports:download", args=["xlsx"]),
                                                            params).content))
    assert (workbook.worksheets[0]["B3"].value, workbook.worksheets[0]["B4"].value) == (1, 1)
    document = client.get(reverse("reports:download", args=["docx"]), params)
    text = zipfile.ZipFile(io.BytesIO(document.content)).read("word/document.xml").decode()
    assert "息诉罢访率100%" in text


def test_the_api_gives_the_campaign_s_figures(client, users, campaign):
    client.force_login(users["court_a"])
    answer = client.get("/api/v1/reports/summary", {"campaign": campaign.code, "as_of": "2026-03-31"})
    assert answer.status_code == 200
    assert (answer.json()["scope"]["campaign"], answer.json()["total"], answer.json()["settled"]) == (
        campaign.code, 1, 1)


@pytest.mark.parametrize("code", ["QH-2026", "NO-SUCH"])
def test_a_campaign_outside_the_scope_is_not_reported_as_the_whole_scope(client, users, campaign, code):
    """The other city's court cannot see the city's campaign: its report is 404 like its page, never the
    court's own all-cases figures under the campaign's name; and so is a campaign that does not exist."""
    make_case(users["outsider"].org, name="丙", registered_on=D(2026, 1, 7))
    client.force_login(users["outsider"])
    assert client.get(reverse("campaigns:detail", args=[campaign.code])).status_code == 404
    assert client.get(reverse("reports:summary"), {"campaign": code}).status_code == 404
    assert client.get(reverse("reports:download", args=["xlsx"]), {"campaign": code}).status_code == 404
    assert client.get("/api/v1/reports/summary", {"campaign": code}).status_code == 404
