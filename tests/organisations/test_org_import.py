import csv
import io
import subprocess
import sys

import openpyxl
import pytest
from django.core.management import CommandError, call_command

from qingji.audit.models import AuditEntry
from qingji.lib.problems import InputRejected
from qingji.organisations.importer import read_org_rows
from qingji.organisations.models import Org
from qingji.organisations.services import org_import

HEADER = ["单位编码", "单位名称", "单位类别", "层级", "上级单位编码", "行政区划代码"]
ROWS = [
    ["P-ZFW", "某省委政法委", "政法委", "省", "", "990000"],
    ["C-ZY", "某市中级人民法院", "法院", "市", "P-GY", "990100"],
    ["P-GY", "某省高级人民法院", "法院", "省", "", "990000"],
    ["C-QY", "某区人民法院", "法院", "县", "C-ZY", ""],
]


def write_xlsx(path, rows, title=True):
    wb = openpyxl.Workbook()
    ws = wb.active
    if title:
        ws.append(["某省政法单位目录"])
        ws.merge_cells("A1:F1")
    ws.append(HEADER)
    for row in rows:
        ws.append(row)
    wb.save(path)
    return path


def test_it_loads_units_in_dependency_order_from_a_workbook_with_a_title_row(db, tmp_path):
    path = write_xlsx(tmp_path / "orgs.xlsx", ROWS)
    result = org_import(actor=None, rows=read_org_rows(path, path.name))
    assert (result.created, result.updated, result.unchanged) == (4, 0, 0)
    court = Org.objects.get(code="C-QY")
    assert court.superior.code == "C-ZY" and court.region_code == "990100"
    assert court.path.startswith(Org.objects.get(code="P-GY").path)


def test_it_changes_nothing_when_the_same_file_is_imported_twice(db, tmp_path):
    path = write_xlsx(tmp_path / "orgs.xlsx", ROWS)
    org_import(actor=None, rows=read_org_rows(path, path.name))
    entries = AuditEntry.objects.count()
    result = org_import(actor=None, rows=read_org_rows(path, path.name))
    assert (result.created, result.updated, result.unchanged) == (0, 0, 4)
    assert AuditEntry.objects.count() == entries


def test_it_reads_csv_in_gb18030(db, tmp_path):
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(HEADER)
    writer.writerows(ROWS)
    path = tmp_path / "orgs.csv"
    path.write_bytes(buffer.getvalue().encode("gb18030"))
    org_import(actor=None, rows=read_org_rows(path, path.name))
    assert Org.objects.get(code="C-ZY").name == "某市中级人民法院"


@pytest.mark.parametrize(("rows", "column", "fragment"), [
    ([["A", "甲", "法院", "市", "B", ""], ["B", "乙", "法院", "市", "A", ""]], "上级单位编码", "循环"),
    ([["A", "甲", "法院", "市", "NOPE", ""]], "上级单位编码", "上级单位不存在"),
    ([["A", "甲", "法院", "市", "", ""], ["A", "乙", "法院", "市", "", ""]], "单位编码", "重复"),
    ([["A", "甲", "寺庙", "市", "", ""]], "单位类别", "单位类别无法识别"),
    ([["A", "甲", "法院", "村", "", ""]], "层级", "层级无法识别"),
    ([["A", "甲", "法院", "市", "", "12345"]], "行政区划代码", "六位数字"),
])
def test_it_refuses_a_bad_file_with_row_and_reason_and_writes_nothing(db, tmp_path, rows, column, fragment):
    path = write_xlsx(tmp_path / "bad.xlsx", [ROWS[0], *rows])
    with pytest.raises(InputRejected) as caught:
        org_import(actor=None, rows=read_org_rows(path, path.name))
    problems = list(caught.value.problems)
    assert any(p.column == column and fragment in p.message for p in problems), problems
    assert all(p.row >= 3 for p in problems)  # Excel's row numbers: title row 1, header row 2
    assert not Org.objects.exists()


def test_it_reports_problems_on_the_command_line(db, tmp_path, capsys):
    path = write_xlsx(tmp_path / "bad.xlsx", [["A", "甲", "法院", "市", "NOPE", ""]])
    with pytest.raises(CommandError):
        call_command("import_orgs", str(path))
    assert "NOPE" in capsys.readouterr().err


def test_the_qingji_command_imports_a_file(tmp_path):
    path = write_xlsx(tmp_path / "orgs.xlsx", ROWS)
    env = {"DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}", "QINGJI_DATA_DIR": str(tmp_path),
           "PATH": "/usr/bin:/bin"}
    subprocess.run([sys.executable, "-m", "qingji", "migrate", "-v", "0"], env=env, check=True, cwd=tmp_path)
    done = subprocess.run([sys.executable, "-m", "qingji", "import-orgs", str(path)], env=env, cwd=tmp_path,
                          capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    assert "4" in done.stdout
