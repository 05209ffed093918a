"""The summary's added figures (spec/summary-report.md, "Added figures"): concluded cases and the closure rate,
rebounds, terminations, work by kind, cases by category and by flag, as of the day and over the same cases;
and the same numbers in every rendering (JSON, workbook, document, API, page)."""

import datetime as dt
import json
import zipfile

import openpyxl
from django.core.management import call_command

from qingji.ledger.models import CaseStatus, Category, SettlementMethod
from qingji.ledger.selectors import cases_in_org_scope
from qingji.ledger.services import work_log_add
from qingji.lifecycle.services import case_reopen, proceeding_decide, termination_propose
from qingji.reports import checkpoints
from qingji.reports.selectors import summary
from tests.ledger.factories import make_case

D = dt.date
SETTLED, UNSETTLED, IN_PROGRESS = CaseStatus.CLOSED_SETTLED, CaseStatus.CLOSED_UNSETTLED, CaseStatus.IN_PROGRESS


def _ledger(city) -> None:  # type: ignore[no-untyped-def]
    """Five cases of two courts: settled by a pledge (then petitioned about again on 5 March), imported as
    terminated, closed unsettled, proposed for termination on 1 March, and one registered on 10 March whose
    proposal was returned."""
    land, labour = Category.objects.get(name="土地征用"), Category.objects.get(name="劳动争议")
    qy, hy = city["QH-QY-FY"], city["QH-HY-FY"]
    pledged = make_case(qy, name="甲", category=land, flags=["beijing_petition", "cross_jurisdiction"],
                        status=SETTLED, method=SettlementMethod.WRITTEN_PLEDGE, closed_on=D(2012, 2, 10))
    make_case(hy, name="乙", category=land, status=SETTLED, method=SettlementMethod.TERMINATED,
              closed_on=D(2012, 2, 20))
    make_case(hy, name="丙", category=labour, flags=["discipline_related"], status=UNSETTLED, closed_on=D(2012, 2, 15))
    pending = make_case(qy, name="丁", flags=["cross_jurisdiction"], status=IN_PROGRESS)
    late = make_case(qy, name="戊", registered_on=D(2012, 3, 10), status=IN_PROGRESS)
    termination_propose(actor=None, case=pending, note="穷尽法律程序", requested_on=D(2012, 3, 1))
    returned = termination_propose(actor=None, case=late, note="穷尽法律程序", requested_on=D(2012, 3, 12))
    proceeding_decide(actor=None, proceeding=returned, step="review_panel", approve=False, opinion="证据不足",
                      decided_on=D(2012, 3, 20))
    work_log_add(actor=None, case=pledged, kind="reception", date=D(2012, 1, 20), content="接待")
    work_log_add(actor=None, case=pledged, kind="home_visit", date=D(2012, 3, 15), content="走访")
    # Dated before its case was registered: it counts from the registration.
    work_log_add(actor=None, case=late, kind="coordination", date=D(2012, 3, 5), content="协调会")
    case_reopen(actor=None, case=pledged, petitioned_on=D(2012, 3, 5), description="进京上访")


def _added(report) -> dict:  # type: ignore[no-untyped-def]
    return {k: report[k] for k in ("concluded", "closure_rate", "rebound", "terminations", "by_category", "flags")}


def test_the_added_figures_count_the_cases_as_they_stood_at_the_end_of_the_day(city):
    _ledger(city)
    land, labour = "land_acquisition", "labour_dispute"
    february = summary(org=city["QH-ZFW"], as_of=D(2012, 2, 29))
    assert _added(february) == {
        "concluded": 3, "closure_rate": "75.0", "rebound": {"cases": 0, "rate": "0.0"},
        "terminations": {"proposed": 1, "approved": 1, "returned": 0, "pending": 0},  # the imported termination
        "by_category": [
            {"category": land, "label": "土地征用", "total": 2, "settled": 2, "settlement_rate": "100.0"},
            {"category": labour, "label": "劳动争议", "total": 1, "settled": 0, "settlement_rate": "0.0"},
            {"category": None, "label": "未分类", "total": 1, "settled": 0, "settlement_rate": "0.0"}],
        "flags": {"beijing_petition": 1, "provincial_petition": 0, "repeat_petition": 0, "cross_jurisdiction": 2,
                  "discipline_related": 1, "group_petition": 0},
    }
    assert {k: n for k, n in february["work_by_kind"].items() if n} == {"reception": 1}
    assert len(february["work_by_kind"]) == 12  # every kind, by code
    assert {r["org"]: r["rebound"] for r in february["by_org"]} == {"QH-QY-FY": 0, "QH-HY-FY": 0}

    march = summary(org=city["QH-ZFW"], as_of=D(2012, 3, 31))
    assert march["total"] == 5 and march["concluded"] == 2 and march["closure_rate"] == "40.0"
    assert march["rebound"] == {"cases": 1, "rate": "50.0"}  # of the two concluded cases
    assert march["terminations"] == {"proposed": 3, "approved": 1, "returned": 1, "pending": 1}
    assert march["terminations"]["approved"] == march["settled_by_method"]["terminated"]["count"]
    assert {k: n for k, n in march["work_by_kind"].items() if n} == {"reception": 1, "home_visit": 1,
                                                                     "coordination": 1}
    assert [(r["label"], r["total"], r["settled"]) for r in march["by_category"]] == [
        ("土地征用", 2, 1), ("劳动争议", 1, 0), ("未分类", 2, 0)]
    assert sum(r["total"] for r in march["by_category"]) == march["total"]
    assert {r["org"]: r["rebound"] for r in march["by_org"]} == {"QH-QY-FY": 1, "QH-HY-FY": 0}
    # A proposal pending on 12 March had not been returned yet.
    assert summary(org=city["QH-ZFW"], as_of=D(2012, 3, 15))["terminations"] == {
        "proposed": 3, "approved": 1, "returned": 0, "pending": 2}
    # A basic court's own report holds its own cases only.
    own = summary(org=city["QH-HY-FY"], as_of=D(2012, 3, 31))
    assert own["rebound"] == {"cases": 0, "rate": "0.0"} and own["flags"]["cross_jurisdiction"] == 0


def test_the_added_figures_are_the_same_read_through_the_checkpoints(city):
    _ledger(city)
    checkpoints.refresh(today=D(2012, 4, 2))
    for day in (D(2012, 2, 29), D(2012, 3, 4), D(2012, 3, 25), D(2012, 3, 31), D(2012, 4, 1), D(2012, 4, 2)):
        fast = summary(org=city["QH-ZFW"], as_of=day)
        assert fast == summary(org=city["QH-ZFW"], as_of=day, cases=cases_in_org_scope(city["QH-ZFW"])), day


def _reopened(city):  # type: ignore[no-untyped-def]
    case = make_case(city["QH-QY-FY"], name="甲", status=SETTLED, method=SettlementMethod.WRITTEN_PLEDGE,
                     closed_on=D(2012, 2, 10))
    make_case(city["QH-HY-FY"], name="乙", status=SETTLED, method=SettlementMethod.OTHER, closed_on=D(2012, 2, 12))
    case_reopen(actor=None, case=case, petitioned_on=D(2012, 3, 5), description="进京上访")


def _json(day: str, capsys) -> dict:  # type: ignore[no-untyped-def]
    call_command("report", "summary", "--org", "QH-ZFW", "--as-of", day, "--format", "json")
    return json.loads(capsys.readouterr().out)


def _workbook(day: str, tmp_path) -> openpyxl.Workbook:  # type: ignore[no-untyped-def]
    out = tmp_path / f"summary-{day}.xlsx"
    call_command("report", "summary", "--org", "QH-ZFW", "--as-of", day, "--format", "xlsx", "--out", str(out))
    return openpyxl.load_workbook(out)


def _document(day: str, tmp_path) -> str:  # type: ignore[no-untyped-def]
    out = tmp_path / f"summary-{day}.docx"
    call_command("report", "summary", "--org", "QH-ZFW", "--as-of", day, "--format", "docx", "--out", str(out))
    return zipfile.ZipFile(out).read("word/document.xml").decode()


def _sheet_rows(workbook: openpyxl.Workbook, name: str) -> dict:  # type: ignore[no-untyped-def]
    return {row[0].value: row for row in workbook[name].iter_rows(min_row=3)}


def test_a_reopened_case_is_one_rebound_in_every_rendering_from_the_day_it_was_petitioned_about(
        city, users, client, capsys, tmp_path):
    _reopened(city)
    report = _json("2012-03-31", capsys)
    assert report["rebound"] == {"cases": 1, "rate": "100.0"}  # of the one case still concluded
    assert {r["org"]: r["rebound"] for r in report["by_org"]} == {"QH-QY-FY": 1, "QH-HY-FY": 0}

    workbook = _workbook("2012-03-31", tmp_path)
    overview = _sheet_rows(workbook, "总体情况")
    assert overview["反弹"][1].value == 1 and overview["反弹"][2].value == 1.0
    assert overview["反弹"][2].number_format == "0.0%"
    units = {row[0].value: row for row in workbook["按单位"].iter_rows(min_row=3)}
    assert [c.value for c in workbook["按单位"][2]][-1] == "反弹"
    assert units["QH-QY-FY"][-1].value == 1 and units["QH-HY-FY"][-1].value == 0
    assert units["QH-QY-FY"][4].value == 0.0 and units["QH-QY-FY"][4].number_format == "0.0%"  # a rate, a number

    document = _document("2012-03-31", tmp_path)
    assert "结案后重新上访（反弹）1件，占结案数的100%" in document

    client.force_login(users["committee"])
    api = client.get("/api/v1/reports/summary", {"as_of": "2012-03-31"}).json()
    assert api["rebound"] == report["rebound"] and api["by_org"] == report["by_org"]
    page = client.get("/reports/", {"as_of": "2012-03-31"}).content.decode()
    card = page[page.index('id="rebound"'):]
    assert '<div class="value text-danger">1</div>' in card[:card.index("</div></div></div>")]

    before = _json("2012-03-04", capsys)
    assert before["rebound"] == {"cases": 0, "rate": "0.0"}
    assert {r["org"]: r["rebound"] for r in before["by_org"]} == {"QH-QY-FY": 0, "QH-HY-FY": 0}
    assert _sheet_rows(_workbook("2012-03-04", tmp_path), "总体情况")["反弹"][1].value == 0
    document = _document("2012-03-04", tmp_path)
    assert "反弹）" not in document and "结案案件无反弹" in document
    assert client.get("/api/v1/reports/summary", {"as_of": "2012-03-04"}).json()["rebound"]["cases"] == 0
