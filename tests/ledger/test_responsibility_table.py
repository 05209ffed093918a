import io

import openpyxl
from django.urls import reverse

from qingji.ledger.models import CaseStatus
from tests.ledger.factories import make_case


def test_it_groups_cases_by_unit(client, users, city):
    make_case(city["QH-QY-FY"], ledger_no="QY-1", status=CaseStatus.IN_PROGRESS)
    make_case(city["QH-GAJ"], ledger_no="GA-1", status=CaseStatus.IN_PROGRESS)
    client.force_login(users["committee"])
    body = client.get(reverse("ledger:responsibility")).content.decode()
    assert body.index("清源区人民法院") < body.index("QY-1") and "GA-1" in body


def test_the_workbook_writes_a_formula_as_text(client, users, city):
    make_case(city["QH-QY-FY"], ledger_no="QY-1", summary="=HYPERLINK(\"http://x\",\"点我\")",
              status=CaseStatus.IN_PROGRESS)
    client.force_login(users["court_a"])
    response = client.get(reverse("ledger:responsibility"), {"format": "xlsx"})
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    cell = next(c for row in sheet.iter_rows() for c in row if c.value and str(c.value).startswith("=HYPER"))
    assert cell.data_type == "s"
    assert sheet.cell(row=3, column=2).value == "QY-1"
