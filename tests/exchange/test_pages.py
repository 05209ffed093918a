import io

import openpyxl
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from qingji.audit.models import AuditEntry
from qingji.ledger.models import Case
from tests.exchange.workbooks import row, write
from tests.ledger.factories import make_case


def upload(client, tmp_path, rows):
    path = write(tmp_path / "ledger.xlsx", rows)
    return client.post(reverse("exchange:import"), {"file": SimpleUploadedFile("台账.xlsx", path.read_bytes())})


def test_it_previews_then_imports_on_confirmation(client, users, city, tmp_path):
    client.force_login(users["court_a"])
    response = upload(client, tmp_path, [row(台账编号="W-1"), row(台账编号="W-2")])
    assert response.context["preview"].created == 2 and not Case.objects.exists()
    response = client.post(reverse("exchange:import_confirm"))
    assert response.status_code == 302
    assert sorted(Case.objects.values_list("ledger_no", flat=True)) == ["W-1", "W-2"]


def test_it_lists_the_problems_and_gives_the_workbook_back_marked(client, users, city, tmp_path):
    client.force_login(users["court_a"])
    response = upload(client, tmp_path, [row(台账编号="W-1", 案件来源="邻居交办"), row(责任单位="QH-HY-FY")])
    problems = response.context["problems"]
    assert {(p.row, p.column) for p in problems} == {(4, "案件来源"), (5, "责任单位")}
    marked = client.get(reverse("exchange:import_marked"))
    sheet = openpyxl.load_workbook(io.BytesIO(marked.content)).active
    bad = sheet.cell(row=4, column=7)
    assert bad.value == "邻居交办" and bad.comment is not None and bad.fill.start_color.rgb.endswith("FFC7CE")
    assert client.post(reverse("exchange:import_confirm")).status_code == 302
    assert not Case.objects.exists()


def test_it_refuses_a_file_that_is_not_a_workbook(client, users, city):
    client.force_login(users["court_a"])
    response = client.post(reverse("exchange:import"), {"file": SimpleUploadedFile("台账.xlsx", b"not a zip")})
    assert response.context["form"].errors


def test_the_template_has_instructions_and_drop_downs(client, users, city):
    client.force_login(users["court_a"])
    workbook = openpyxl.load_workbook(io.BytesIO(client.get(reverse("exchange:template")).content))
    sheet = workbook.worksheets[0]
    assert sheet["A1"].value == "台账编号" and len(workbook.worksheets) == 2
    assert any('"省委政法委交办' in v.formula1 or "省委政法委交办" in v.formula1
               for v in sheet.data_validations.dataValidation)


def test_export_what_i_see_applies_the_ledger_filters_and_is_audited(client, users, city):
    make_case(city["QH-QY-FY"], name="王芳", ledger_no="E-1")
    make_case(city["QH-QY-FY"], name="李明", ledger_no="E-2")
    make_case(city["QH-HY-FY"], name="赵强", ledger_no="E-3")
    client.force_login(users["court_a"])
    response = client.get(reverse("exchange:export_ledger"), {"q": "王芳"})
    sheet = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    assert [r[0] for r in sheet.iter_rows(min_row=3, values_only=True)] == ["E-1"]
    assert AuditEntry.objects.filter(action="export.ledger", actor_name="court_a").exists()
    assert "导出当前列表" in client.get(reverse("ledger:list")).content.decode()


def test_an_account_without_a_unit_exports_an_empty_ledger(client, city):
    from qingji.accounts.models import User
    from qingji.accounts.roles import Role

    make_case(city["QH-QY-FY"], name="王芳", ledger_no="E-1")
    client.force_login(User.objects.create_user(username="no_unit", password="x", role=Role.UNIT_STAFF))
    response = client.get(reverse("exchange:export_ledger"))
    sheet = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    assert list(sheet.iter_rows(min_row=3, values_only=True)) == []
