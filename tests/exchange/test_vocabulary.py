"""The ledger workbook's sources and categories are the handling unit's local rules: a body's own labels import,
a retired one is refused, the export and the template write the labels."""

import io

import openpyxl
import pytest
from django.core.management import call_command
from django.urls import reverse

from qingji.exchange.importer import import_ledger
from qingji.ledger.models import Case
from qingji.lib.problems import InputRejected
from qingji.rules.keys import DEFAULT_CATEGORIES, DEFAULT_SOURCES
from qingji.rules.services import rule_set
from tests.exchange.workbooks import row, write
from tests.ledger.factories import make_case


@pytest.fixture
def city_rules(city):  # type: ignore[no-untyped-def]
    """The city committee adds its window, relabels the city committee's source and retires the leader's
    instruction; it adds environmental pollution."""
    sources = [{**e, "label": "市委政法委督办"} if e["code"] == "city_committee" else
               {**e, "active": False} if e["code"] == "leader_instruction" else e for e in DEFAULT_SOURCES]
    rule_set(actor=None, org=city["QH-ZFW"], key="sources",
             value=[*sources, {"code": "city_window", "label": "市涉法涉诉窗口", "active": True}])
    rule_set(actor=None, org=city["QH-ZFW"], key="categories",
             value=[*DEFAULT_CATEGORIES, {"code": "environment", "label": "环境污染", "active": True}])
    return city


@pytest.fixture(params=["in-process", "child process"])
def reader(request, settings):  # type: ignore[no-untyped-def]
    settings.QINGJI_IMPORT_CHILD_BYTES = 0 if request.param == "child process" else 10**12
    return request.param


def test_a_county_court_imports_its_city_committees_own_source(city_rules, users, tmp_path, reader):
    path = write(tmp_path / "ledger.xlsx", [
        row(台账编号="W-1", 案件来源="市涉法涉诉窗口", 问题类别="环境污染"),
        row(台账编号="W-2", 案件来源="city_window"),  # the code itself
        row(台账编号="W-3", 案件来源="市委政法委督办"),  # a default code's new label
        row(台账编号="W-4", 案件来源="市委政法委"),  # and the spec's synonym of it
    ])
    import_ledger(path, path.name, actor=users["court_a"])
    cases = {c.ledger_no: c for c in Case.objects.select_related("category")}
    assert [cases[n].source for n in ("W-1", "W-2", "W-3", "W-4")] == [
        "city_window", "city_window", "city_committee", "city_committee"]
    assert cases["W-1"].category.code == "environment" and cases["W-1"].handling_org.code == "QH-QY-FY"


def test_a_retired_source_and_another_citys_source_are_refused(city_rules, tmp_path):
    path = write(tmp_path / "ledger.xlsx", [
        row(台账编号="R-1", 案件来源="领导批示"),
        row(台账编号="R-2", 案件来源="市涉法涉诉窗口", 责任单位="BY-ZY"),  # not in that city's rules
        row(台账编号="R-3", 案件来源="领导批示", 责任单位="BY-ZY"),  # still active there
    ])
    with pytest.raises(InputRejected) as caught:
        import_ledger(path, path.name)
    problems = {p.row: p for p in caught.value.problems}
    assert sorted(problems) == [4, 5] and {p.column for p in problems.values()} == {"案件来源"}
    assert "停用" in problems[4].message and "市涉法涉诉窗口" in problems[4].message
    assert "无法识别" in problems[5].message and "市涉法涉诉窗口" not in problems[5].message
    assert not Case.objects.exists()


def test_the_export_writes_the_labels_and_imports_back_unchanged(city_rules, tmp_path):
    make_case(city_rules["QH-QY-FY"], name="王芳", ledger_no="E-1", source="city_window")
    make_case(city_rules["QH-QY-FY"], name="李明", ledger_no="E-2", source="city_committee")
    make_case(city_rules["BY-ZY"], name="赵强", ledger_no="E-3", source="city_committee")
    out = tmp_path / "ledger.xlsx"
    call_command("export_ledger", "--org", "JC-ZFW", "--out", str(out))
    sheet = openpyxl.load_workbook(out).active
    header = [c.value for c in sheet[2]]
    number, source = header.index("台账编号"), header.index("案件来源")
    sources = {r[number]: r[source] for r in sheet.iter_rows(min_row=3, values_only=True)}
    assert sources == {"E-1": "市涉法涉诉窗口", "E-2": "市委政法委督办", "E-3": "市委政法委交办"}
    result = import_ledger(out, out.name)
    assert (result.created, result.updated, result.unchanged) == (0, 0, 3)


def test_the_template_offers_the_users_units_sources(city_rules, users, client):
    client.force_login(users["court_a"])
    book = openpyxl.load_workbook(io.BytesIO(client.get(reverse("exchange:template")).content))
    lists = [v.formula1 for v in book["台账"].data_validations.dataValidation]
    assert any("市涉法涉诉窗口" in f and "领导批示" not in f for f in lists)
    assert any("环境污染" in f for f in lists)
