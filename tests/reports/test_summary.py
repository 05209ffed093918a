import datetime as dt

from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from qingji.ledger.models import CaseStatus, JudicialAid, SettlementMethod, Source, UnderlyingMatter
from qingji.lib.rates import rate
from qingji.reports import checkpoints
from qingji.reports.selectors import summary
from qingji.reviews.models import QualityReview
from tests.ledger.factories import make_case
from tests.reports.seeds import build_seed_40, build_seed_reviews

APRIL_END = dt.date(2012, 4, 30)


def test_rates_are_one_decimal_half_up_and_null_for_an_empty_group():
    assert [rate(5, 9), rate(2, 69), rate(8, 12), rate(40, 40), rate(1, 40), rate(0, 0)] == \
        ["55.6", "2.9", "66.7", "100.0", "2.5", None]
    assert rate(1, 8) == "12.5" and rate(1, 16) == "6.3"  # 6.25 rounds half up


def test_it_reproduces_the_forty_case_table_of_the_city_courts(city):
    build_seed_40(city)
    report = summary(org=city["QH-ZFW"], as_of=APRIL_END)
    assert report["total"] == 40 and report["settled"] == 40 and report["settlement_rate"] == "100.0"
    assert report["status"] == {"open": 0, "closed_unsettled": 0, "closed_settled": 40}
    assert report["settled_by_method"] == {
        "written_pledge": {"count": 15, "share": "37.5"},
        "terminated": {"count": 23, "share": "57.5"},
        "other": {"count": 2, "share": "5.0"},
    }
    by_source = {row["source"]: row for row in report["by_source"]}
    assert list(by_source) == ["provincial_committee", "city_committee", "self_identified"]
    provincial = by_source["provincial_committee"]
    assert (provincial["total"], provincial["key_supervision"]) == (9, 9)
    assert [provincial["settled_by_method"][m]["share"] for m in ("written_pledge", "terminated", "other")] == \
        ["33.3", "55.6", "11.1"]
    assert [by_source["city_committee"]["settled_by_method"][m]["count"] for m in ("written_pledge", "terminated",
                                                                                  "other")] == [4, 2, 0]
    assert [by_source["self_identified"]["settled_by_method"][m]["share"] for m in ("written_pledge", "terminated",
                                                                                "other")] == ["32.0", "64.0", "4.0"]
    assert sum(row["total"] for row in report["by_org"]) == 40


def test_it_reproduces_the_sixty_nine_reviewed_matters(city):
    build_seed_reviews(build_seed_40(city))
    reviews = summary(org=city["QH-ZFW"], as_of=APRIL_END)["reviews"]
    assert reviews == {
        "matters": 69,
        "grades": {"1": {"count": 52, "share": "75.4"}, "2": {"count": 15, "share": "21.7"},
                   "3": {"count": 2, "share": "2.9"}},
        "accountability": {"matters": 2, "share": "2.9"},
    }


def test_it_adds_up_a_countys_statuses_that_the_hand_written_report_did_not(city):
    police = city["QH-GAJ"]
    for status, count in ((CaseStatus.CLOSED_SETTLED, 8), (CaseStatus.CLOSED_UNSETTLED, 11),
                          (CaseStatus.IN_PROGRESS, 17)):
        for index in range(count):
            make_case(police, name=f"人{status[:3]}{index}", status=status, method="other",
                      registered_on=dt.date(2012, 2, 1), closed_on=dt.date(2012, 6, 1))
    report = summary(org=police, as_of=dt.date(2012, 9, 30))
    assert report["status"] == {"open": 17, "closed_unsettled": 11, "closed_settled": 8}
    assert report["total"] == 36 == sum(row["total"] for row in report["by_org"])
    assert report["settlement_rate"] == "22.2"


def test_it_reports_each_case_as_it_stood_at_each_month_end(city):
    court = city["QH-QY-FY"]
    make_case(court, name="甲", registered_on=dt.date(2012, 1, 5), status=CaseStatus.CLOSED_SETTLED,
              method="written_pledge", closed_on=dt.date(2012, 2, 10))
    make_case(court, name="乙", registered_on=dt.date(2012, 2, 20), status=CaseStatus.CLOSED_SETTLED,
              method="terminated", closed_on=dt.date(2012, 2, 29))
    make_case(court, name="丙", registered_on=dt.date(2012, 3, 15), status=CaseStatus.IN_PROGRESS)
    january = summary(org=court, as_of=dt.date(2012, 1, 31))
    assert (january["total"], january["settled"], january["status"]["open"]) == (1, 0, 1)
    leap_day = summary(org=court, as_of=dt.date(2012, 2, 29))
    assert (leap_day["total"], leap_day["settled"], leap_day["settlement_rate"]) == (2, 2, "100.0")
    day_before = summary(org=court, as_of=dt.date(2012, 2, 28))
    assert (day_before["settled"], day_before["settlement_rate"]) == (1, "50.0")
    march = summary(org=court, as_of=dt.date(2012, 3, 31))
    assert (march["total"], march["settled"], march["settlement_rate"]) == (3, 2, "66.7")


def test_a_date_before_any_case_gives_zero_and_null_rates(city):
    make_case(city["QH-QY-FY"], registered_on=dt.date(2012, 1, 5))
    report = summary(org=city["QH-QY-FY"], as_of=dt.date(2011, 12, 31))
    assert report["total"] == 0 and report["settlement_rate"] is None and report["by_source"] == []
    assert report["settled_by_method"]["written_pledge"] == {"count": 0, "share": None}
    assert report["reviews"]["grades"]["1"] == {"count": 0, "share": None}


def test_it_counts_aid_paid_by_the_as_of_date(city):
    case = make_case(city["QH-QY-FY"], registered_on=dt.date(2012, 1, 5))
    JudicialAid.objects.create(case=case, amount=15000, date=dt.date(2012, 3, 1))
    JudicialAid.objects.create(case=case, amount=100000, date=dt.date(2012, 5, 1))
    assert summary(org=city["QH-ZFW"], as_of=dt.date(2012, 3, 31))["aid"] == {"cases": 1, "amount": "15000.00"}
    assert summary(org=city["QH-ZFW"], as_of=dt.date(2012, 5, 31))["aid"] == {"cases": 1, "amount": "115000.00"}


def _cases_of_every_kind(units, count: int) -> None:  # type: ignore[no-untyped-def]
    """`count` cases of four courts, of every source and status, with reviews and aid; some of them
    registered, closed, reviewed or aided in the first days of May, after the checkpoint of 30 April."""
    courts = [units["QH-ZY"], units["QH-QY-FY"], units["QH-HY-FY"], units["QH-AP-FY"]]
    sources = [Source.PROVINCIAL_COMMITTEE, Source.CITY_COMMITTEE, Source.SELF_IDENTIFIED]
    methods = [SettlementMethod.WRITTEN_PLEDGE, SettlementMethod.TERMINATED, SettlementMethod.OTHER]
    may = dt.date(2012, 5, 2)
    for index in range(count):
        registered = may - dt.timedelta(days=1) if index % 5 == 4 else dt.date(2012, 1, 5) + dt.timedelta(days=index)
        status = [CaseStatus.CLOSED_SETTLED, CaseStatus.IN_PROGRESS, CaseStatus.CLOSED_UNSETTLED][index % 3]
        if index % 5 == 4:
            status = CaseStatus.IN_PROGRESS
        case = make_case(courts[index % 4], name=f"信访人{index:02d}", source=sources[index % 3],
                         key_supervision="省委政法委" if index % 2 else "", registered_on=registered, status=status,
                         method=methods[index % 3] if status == CaseStatus.CLOSED_SETTLED else "",
                         closed_on=may if index % 6 == 0 else dt.date(2012, 3, 1) + dt.timedelta(days=index))
        if index % 2:
            matter = UnderlyingMatter.objects.create(case=case, docket_number=f"(2011)清民初字第{index}号")
            QualityReview.objects.create(matter=matter, grade=1 + index % 3,
                                         reviewed_on=may if index % 4 == 1 else dt.date(2012, 4, 20))
        if index % 3 == 1:
            JudicialAid.objects.create(case=case, amount=1000 + index, date=may if index % 2 else dt.date(2012, 3, 1))


def _queries(units, as_of: dt.date, cases: int) -> int:  # type: ignore[no-untyped-def]
    """The queries of the city's summary as of `as_of`, which counts all `cases`."""
    with CaptureQueriesContext(connection) as captured:
        assert summary(org=units["QH-ZFW"], as_of=as_of)["total"] == cases
    return len(captured)


def _summary_queries(units, count: int) -> list[int]:  # type: ignore[no-untyped-def]
    """The queries of the city's summary with `count` cases: counted in full, from the checkpoint of
    30 April, and from that checkpoint plus what changed in the three days since. The cases and the
    checkpoints are rolled back afterwards."""
    with transaction.atomic():
        _cases_of_every_kind(units, count)
        in_full = _queries(units, APRIL_END, count - count // 5)  # those registered on 1 May are not there yet
        checkpoints.refresh(today=dt.date(2012, 5, 1))
        from_checkpoint = _queries(units, APRIL_END, count - count // 5)
        and_since = _queries(units, APRIL_END + dt.timedelta(days=3), count)
        transaction.set_rollback(True)
    checkpoints.forget_cache()  # the next checkpoint may get the id of a rolled-back one
    return [in_full, from_checkpoint, and_since]


def test_the_number_of_queries_does_not_grow_with_the_cases(city):
    few = _summary_queries(city, 3)
    assert few == _summary_queries(city, 30)
    # In full: the scope's units, the checkpoint state, the status groups (with the categories and flags),
    # reviews, aid, work, the units' names; the rebounds and the termination proposals, counted directly every
    # time (the categories' codes are a query more when a case has a category: these have none), the local
    # rules that name the sources and categories. From the checkpoint instead of the four grouped queries: the
    # units marked stale, the day's rows of the units, those rows decoded (once per process). From the
    # checkpoint of 30 April and what changed since: two queries each for statuses, reviews, aid and work.
    assert few[0] <= 10 and few[1] <= 9 and few[2] <= 16


def test_it_orders_units_by_rate_then_code(city):
    make_case(city["QH-HY-FY"], name="甲", status=CaseStatus.CLOSED_SETTLED, method="other")
    make_case(city["QH-QY-FY"], name="乙", status=CaseStatus.CLOSED_SETTLED, method="other")
    make_case(city["QH-QY-FY"], name="丙")
    make_case(city["QH-AP-FY"], name="丁", status=CaseStatus.CLOSED_SETTLED, method="other")
    rows = summary(org=city["QH-ZFW"], as_of=dt.date(2026, 1, 1))["by_org"]
    assert [(r["org"], r["settlement_rate"]) for r in rows] == [
        ("QH-AP-FY", "100.0"), ("QH-HY-FY", "100.0"), ("QH-QY-FY", "50.0")]
