"""The benchmark generator makes a province whose figures add up, so that what bench.run measures
is the real computation on data that obeys the ledger's invariants."""

import datetime as dt
from collections import Counter

import pytest
from django.db.models import Count

from bench.generate import generate, id_number_for, valid_area_codes
from qingji.ledger.models import CLOSED_STATUSES, OPEN_STATUSES, Case, CaseStatus, Petitioner, StatusPeriod
from qingji.lib.idnumbers import check_id_number
from qingji.lib.pii import digest
from qingji.organisations.models import Org
from qingji.reports.selectors import summary


@pytest.fixture(scope="module")
def _generated(django_db_setup, django_db_blocker):  # type: ignore[no-untyped-def]
    """The province is generated once for the module, inside a transaction rolled back after its last test
    (each test runs in a savepoint of it, as usual): generating it took 15 s, once per test before."""
    from django.db import transaction

    with django_db_blocker.unblock(), transaction.atomic():
        yield generate(300, seed=3, verbose=False)
        transaction.set_rollback(True)


@pytest.fixture
def province(_generated, db):  # type: ignore[no-untyped-def]
    return _generated


def test_the_summary_of_the_generated_province_adds_up(province):
    report = summary(org=Org.objects.get(code="YL-ZFW"))
    cases = Case.objects.filter(ledger_no__startswith="Y") | Case.objects.filter(ledger_no__startswith="C")
    assert report["total"] == cases.count() == 300
    statuses = Counter(Case.objects.values_list("status", flat=True))
    assert report["status"]["open"] == sum(statuses[s] for s in OPEN_STATUSES)
    assert report["status"]["closed_settled"] == report["settled"] == statuses[CaseStatus.CLOSED_SETTLED]
    assert report["status"]["closed_unsettled"] == statuses[CaseStatus.CLOSED_UNSETTLED]
    assert sum(row["total"] for row in report["by_source"]) == 300
    assert sum(row["total"] for row in report["by_org"]) == 300
    assert sum(m["count"] for m in report["settled_by_method"].values()) == report["settled"]
    assert 0 < report["settled"] < 300 and report["status"]["open"] > 0
    assert report["aid"]["cases"] > 0 and report["reviews"]["matters"] > 0


def test_a_city_committee_sees_the_cases_of_its_region_only(province):
    city = Org.objects.get(code="C01-ZFW")
    in_region = Case.objects.filter(handling_org__region_code__startswith="9701").count()
    assert summary(org=city)["total"] == in_region < 300


def test_status_histories_are_consecutive_and_end_in_the_case_status(province):
    periods: dict[int, list[StatusPeriod]] = {}
    for period in StatusPeriod.objects.order_by("case_id", "valid_from", "id"):
        periods.setdefault(period.case_id, []).append(period)
    for case in Case.objects.all():
        mine = periods[case.pk]
        assert mine[0].status == CaseStatus.REGISTERED and mine[0].valid_from == case.registered_on
        for before, after in zip(mine, mine[1:], strict=False):
            assert before.valid_to == after.valid_from and before.valid_from < after.valid_from
        assert mine[-1].valid_to is None and mine[-1].status == case.status
        assert mine[-1].valid_from == case.status_since
        assert (case.closed_on == case.status_since) if case.status in CLOSED_STATUSES else case.closed_on is None
        if case.status == CaseStatus.CLOSED_SETTLED:
            assert case.settlement_method and mine[-1].method == case.settlement_method


def test_a_past_summary_counts_each_case_by_the_status_it_had_then(province):
    day = dt.date.today() - dt.timedelta(days=400)
    expected: Counter[str] = Counter()
    for period in StatusPeriod.objects.filter(case__registered_on__lte=day, valid_from__lte=day):
        if period.valid_to is None or period.valid_to > day:
            expected[period.status] += 1
    report = summary(org=Org.objects.get(code="YL-ZFW"), as_of=day)
    assert report["total"] == Case.objects.filter(registered_on__lte=day).count() == sum(expected.values())
    assert report["settled"] == expected[CaseStatus.CLOSED_SETTLED]


def test_petitioners_have_valid_id_numbers_with_their_digest_and_some_are_in_several_cases(province):
    for petitioner in Petitioner.objects.all():
        assert check_id_number(petitioner.id_number) == ([], [])
        assert petitioner.id_number_digest == digest(petitioner.id_number)
    shared = Petitioner.objects.annotate(n=Count("cases")).filter(n__gt=1)
    assert shared.exists()
    areas = valid_area_codes()
    numbers = [id_number_for(pid, areas) for pid in range(1, 20_000)]
    assert len(set(numbers)) == len(numbers)


def test_unit_paths_follow_the_directory_convention(province):
    for org in Org.objects.filter(code__startswith="C01").select_related("superior"):
        assert org.path == f"{org.superior.path}{org.pk:08d}/"
    assert Org.objects.filter(code__endswith="-FY", level="county").count() > 80


def test_the_runner_accounts_open_the_ledger(province, client):
    from qingji.accounts.models import User

    for username in ("bench_county", "bench_city", "bench_province"):
        client.force_login(User.objects.get(username=username))
        assert client.get("/cases/", {"sort": "deadline", "page": "2"}).status_code == 200


def test_the_dashboard_trend_agrees_with_the_summary_on_every_week(province):
    from qingji.ledger.selectors import cases_in_org_scope
    from qingji.reports.selectors import settlement_trend, week_ends

    org = Org.objects.get(code="YL-ZFW")
    days = [*week_ends(dt.date.today(), 8), dt.date.today() - dt.timedelta(days=900)]
    for point in settlement_trend(cases=cases_in_org_scope(org), days=sorted(days)):
        report = summary(org=org, as_of=dt.date.fromisoformat(point["date"]))
        assert (point["total"], point["settled"]) == (report["total"], report["settled"])
