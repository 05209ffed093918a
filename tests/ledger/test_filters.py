import datetime as dt

import pytest
from django.http import QueryDict

from qingji.campaigns.models import Campaign, CampaignCase
from qingji.ledger.filters import apply_ledger_filters
from qingji.ledger.models import Case, CaseStatus, SettlementMethod, Source
from qingji.ledger.services import case_update
from tests.ledger.factories import make_case


def ledger(query: str) -> list[str]:
    return list(apply_ledger_filters(Case.objects.all(), QueryDict(query)).values_list("ledger_no", flat=True))


@pytest.fixture
def cases(city):
    court, police = city["QH-QY-FY"], city["QH-GAJ"]
    today = dt.date.today()
    return {
        "open": make_case(court, name="王芳", ledger_no="A-1", summary="房屋拆迁补偿不服",
                          status=CaseStatus.IN_PROGRESS,
                          registered_on=dt.date(2012, 1, 5)),
        "settled": make_case(court, name="欧阳晓东", ledger_no="A-2", summary="劳动争议执行不能",
                             source=Source.PROVINCIAL_COMMITTEE, status=CaseStatus.CLOSED_SETTLED,
                             method=SettlementMethod.WRITTEN_PLEDGE, registered_on=dt.date(2012, 1, 10),
                             closed_on=dt.date(2012, 2, 10), key_supervision="省委政法委"),
        "police": make_case(police, name="李明", ledger_no="B-1", summary="不服不予立案决定",
                            registered_on=dt.date(2012, 3, 1), deadline=today + dt.timedelta(days=3)),
        "overdue": make_case(police, name="赵强", ledger_no="B-2", summary="刑事申诉",
                             registered_on=dt.date(2012, 3, 2), deadline=today - dt.timedelta(days=1)),
    }


def test_it_filters_open_cases_and_one_status(cases):
    assert sorted(ledger("status=open")) == ["A-1", "B-1", "B-2"]
    assert ledger("status=closed_settled") == ["A-2"]
    assert ledger("method=written_pledge") == ["A-2"]


def test_it_filters_by_source_unit_and_key_supervision(cases):
    assert ledger("source=provincial_committee") == ["A-2"]
    assert sorted(ledger("org=QH-GAJ")) == ["B-1", "B-2"]
    assert ledger("key_supervision=yes") == ["A-2"]
    assert ledger("key_supervision=省委政法委") == ["A-2"]
    assert "A-2" not in ledger("key_supervision=no")


def test_it_filters_by_deadline_state(cases):
    assert sorted(ledger("deadline=overdue")) == ["A-1", "B-2"]  # 90 days from 2012
    assert ledger("deadline=due7") == ["B-1"]


def test_it_filters_by_registration_dates_and_flags(cases):
    case_update(actor=None, case=cases["open"], expected_version=cases["open"].version, beijing_petition=True)
    assert sorted(ledger("registered_from=2012-03-01&registered_to=2012-03-01")) == ["B-1"]
    assert ledger("flag=beijing_petition") == ["A-1"]


def test_it_finds_two_character_names_and_longer_text(cases):
    assert ledger("q=王芳") == ["A-1"]
    assert ledger("q=欧阳晓东") == ["A-2"]
    assert ledger("q=拆迁补偿") == ["A-1"]
    assert ledger("q=不存在的人") == []


def test_it_finds_cases_by_docket_number(city):
    make_case(city["QH-QY-FY"], ledger_no="D-1", docket_numbers=["(2010)清民初字第123号"])
    assert ledger("q=清民初字第123号") == ["D-1"]


def test_it_shows_the_status_as_of_a_past_date(cases):
    assert sorted(ledger("as_of=2012-01-31&status=open")) == ["A-1", "A-2"]
    assert ledger("as_of=2012-02-29&status=closed_settled") == ["A-2"]
    assert ledger("as_of=2011-12-31") == []


def test_it_filters_by_campaign(cases, city):
    campaign = Campaign.objects.create(code="C1", name="专项活动", organiser=city["QH-ZFW"],
                                       starts_on=dt.date(2012, 1, 1), ends_on=dt.date(2012, 6, 30))
    CampaignCase.objects.create(campaign=campaign, case=cases["police"])
    assert ledger("campaign=C1") == ["B-1"]


def test_it_sorts_and_ignores_unknown_values(cases):
    assert ledger("sort=ledger_no") == ["A-1", "A-2", "B-1", "B-2"]
    assert len(ledger("status=bogus&sort=nonsense&registered_from=notadate")) == 4
