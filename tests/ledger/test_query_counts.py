"""The pages read a fixed number of queries whatever the number of cases (no N+1): the ledger
page, the dossier, the dashboard and the summary report. Counting queries is allowed in the suite;
timing is measured by bench/, never here."""

import datetime as dt
from decimal import Decimal

import pytest
from django.db import connection
from django.urls import reverse

from qingji.ledger.models import CaseStatus, Source
from qingji.ledger.services import aid_add, petitioner_create, work_log_add
from qingji.organisations.models import Official
from qingji.reports.selectors import summary
from tests.ledger.factories import make_case, valid_id_number


class Queries:
    """Counts SQL statements, also across a test-client request (which resets Django's query log)."""

    def __enter__(self) -> "Queries":
        self.count = 0
        self._wrapper = connection.execute_wrapper(self._count)
        self._wrapper.__enter__()
        return self

    def _count(self, execute, sql, params, many, context):  # type: ignore[no-untyped-def]
        self.count += 1
        return execute(sql, params, many, context)

    def __exit__(self, *exc: object) -> None:
        self._wrapper.__exit__(*exc)


def _cases(city, start: int, count: int) -> None:  # type: ignore[no-untyped-def]
    """Cases of several units, with responsibility, several petitioners, work log and aid."""
    units = [city["QH-QY-FY"], city["QH-HY-FY"], city["QH-GAJ"]]
    statuses = [CaseStatus.REGISTERED, CaseStatus.IN_PROGRESS, CaseStatus.CLOSED_SETTLED]
    for index in range(start, start + count):
        case = make_case(units[index % 3], name=f"人{index:03d}", ledger_no=f"QC-{index:03d}",
                         status=statuses[index % 3], method="written_pledge" if index % 3 == 2 else "",
                         source=Source.CITY_COMMITTEE if index % 2 else Source.SELF_IDENTIFIED,
                         key_supervision="省委政法委" if index % 4 == 0 else "", flags=["beijing_petition"])
        if index % 2:
            other = petitioner_create(actor=None, name=f"伴{index:03d}", id_number=valid_id_number())
            case.petitioners.add(other, through_defaults={"position": 1})
        work_log_add(actor=None, case=case, kind="reception", date=dt.date(2012, 2, 1), content="接待")
        if index % 5 == 0:
            aid_add(actor=None, case=case, amount=Decimal("1000"), date=dt.date(2012, 3, 1), payer="aid_fund")


def _count(client, url: str, params: dict[str, str] | None = None) -> int:  # type: ignore[no-untyped-def]
    client.get(url, params or {})  # warm: session, caches
    with Queries() as queries:
        response = client.get(url, params or {})
    assert response.status_code == 200
    return queries.count


LEDGER_VIEWS = [{}, {"status": "open", "source": "city_committee"}, {"sort": "deadline", "page": "2"},
                {"q": "人0"}, {"flag": "beijing_petition", "key_supervision": "yes"}]


@pytest.mark.parametrize("params", LEDGER_VIEWS)
def test_the_ledger_page_reads_as_many_queries_for_three_cases_as_for_sixty(client, users, city, params):
    client.force_login(users["committee"])
    _cases(city, 0, 3)
    few = _count(client, reverse("ledger:list"), params)
    _cases(city, 3, 57)
    assert _count(client, reverse("ledger:list"), params) == few


def test_the_dossier_reads_as_many_queries_for_a_bare_case_as_for_a_full_one(client, users, city):
    client.force_login(users["committee"])
    bare = make_case(city["QH-QY-FY"], ledger_no="BARE")
    full = make_case(city["QH-QY-FY"], ledger_no="FULL", status=CaseStatus.CLOSED_SETTLED, method="terminated")
    for index in range(3):
        extra = petitioner_create(actor=None, name=f"伴{index}", id_number=valid_id_number())
        full.petitioners.add(extra, through_defaults={"position": index + 1})
    responsibility = full.responsibility
    responsibility.handlers.set(Official.objects.filter(org=city["QH-QY-FY"]))
    for day in range(1, 11):
        work_log_add(actor=None, case=full, kind="home_visit", date=dt.date(2012, 2, day), content="走访")
    aid_add(actor=None, case=full, amount=Decimal("500"), date=dt.date(2012, 3, 1), payer="aid_fund")
    aid_add(actor=None, case=full, amount=Decimal("700"), date=dt.date(2012, 3, 2), payer="aid_fund")
    bare_count = _count(client, reverse("ledger:detail", args=[bare.pk]))
    # The full case shows its responsibility and handlers: a fixed number more, not one per entry.
    assert _count(client, reverse("ledger:detail", args=[full.pk])) <= bare_count + 2
    for day in range(11, 21):
        work_log_add(actor=None, case=full, kind="reception", date=dt.date(2012, 4, day), content="接待")
    full_count = _count(client, reverse("ledger:detail", args=[full.pk]))
    aid_add(actor=None, case=full, amount=Decimal("900"), date=dt.date(2012, 5, 1), payer="aid_fund")
    assert _count(client, reverse("ledger:detail", args=[full.pk])) == full_count


@pytest.mark.parametrize("account", ["committee", "court_a", "province"])
def test_the_dashboard_reads_as_many_queries_for_three_cases_as_for_thirty(client, users, city, account):
    client.force_login(users[account])
    _cases(city, 0, 3)
    few = _count(client, reverse("web:dashboard"))
    _cases(city, 3, 27)
    assert _count(client, reverse("web:dashboard")) == few


def test_the_summary_reads_as_many_queries_for_three_cases_as_for_thirty(city):
    _cases(city, 0, 3)
    with Queries() as few:
        summary(org=city["QH-ZFW"], as_of=dt.date(2013, 1, 1))
    _cases(city, 3, 27)
    with Queries() as many:
        report = summary(org=city["QH-ZFW"], as_of=dt.date(2013, 1, 1))
    assert report["total"] == 30 and many.count == few.count
