import datetime as dt
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import openpyxl
import pytest
from django.core.management import call_command

from qingji.exchange.importer import import_ledger
from qingji.exchange.sample import write_sample_workbook
from qingji.ledger.models import CaseStatus, StatusPeriod
from qingji.ledger.services import aid_add
from tests.exchange.workbooks import row, write
from tests.ledger.factories import make_case


def test_export_then_import_changes_nothing(city, tmp_path):
    make_case(city["QH-QY-FY"], name="王芳", ledger_no="RT-1", status=CaseStatus.IN_PROGRESS,
              docket_numbers=["(2010)清民初字第1号"], key_supervision="市委政法委", flags=["beijing_petition"])
    settled = make_case(city["QH-GAJ"], name="李明", ledger_no="RT-2", status=CaseStatus.CLOSED_SETTLED,
                        method="terminated", closed_on=dt.date(2012, 3, 1))
    aid_add(actor=None, case=settled, amount=15000, date=dt.date(2012, 2, 1), payer="aid_fund")
    out = tmp_path / "ledger.xlsx"
    call_command("export_ledger", "--org", "QH-ZFW", "--out", str(out))
    periods = StatusPeriod.objects.count()
    result = import_ledger(out, out.name)
    assert (result.created, result.updated, result.unchanged) == (0, 0, 2)
    assert StatusPeriod.objects.count() == periods


def test_the_export_masks_id_numbers_and_writes_formulas_as_text(city, tmp_path):
    case = make_case(city["QH-QY-FY"], name="王芳", summary="=1+1 不服判决", ledger_no="M-1")
    full = case.petitioners.get().id_number
    out = tmp_path / "ledger.xlsx"
    call_command("export_ledger", "--org", "QH-QY-FY", "--out", str(out))
    sheet = openpyxl.load_workbook(out).active
    values = [c.value for c in sheet[3]]
    assert full not in values and f"{full[:6]}********{full[-4:]}" in values
    formula = next(c for c in sheet[3] if c.value == "=1+1 不服判决")
    assert formula.data_type == "s"


def test_the_command_line_exits_1_with_the_problems_and_2_for_usage_errors(city, tmp_path):
    bad = write(tmp_path / "bad.xlsx", [row(责任单位="不存在的法院")])
    env = {**os.environ, "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}", "QINGJI_DATA_DIR": str(tmp_path)}
    subprocess.run([sys.executable, "-m", "qingji", "migrate", "-v", "0"], env=env, check=True)
    subprocess.run([sys.executable, "-m", "qingji", "demo", "--no-serve", "--password", "Demo-pass-1"], env=env,
                   check=True, capture_output=True)
    refused = subprocess.run([sys.executable, "-m", "qingji", "import-ledger", str(bad), "--lang", "en"], env=env,
                             capture_output=True, text=True)
    assert refused.returncode == 1 and "Unknown unit" in refused.stderr
    missing = subprocess.run([sys.executable, "-m", "qingji", "import-ledger", str(tmp_path / "nope.xlsx")],
                             env=env, capture_output=True, text=True)
    assert missing.returncode == 2
    good = write(tmp_path / "good.xlsx", [row(台账编号="CLI-1")])
    done = subprocess.run([sys.executable, "-m", "qingji", "import-ledger", str(good)], env=env,
                          capture_output=True, text=True)
    assert done.returncode == 0 and "1" in done.stdout


@pytest.mark.django_db(transaction=False)
def test_killing_the_import_midway_writes_nothing(tmp_path):
    env = {**os.environ, "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}", "QINGJI_DATA_DIR": str(tmp_path),
           "QINGJI_IMPORT_CHILD_BYTES": "0"}
    subprocess.run([sys.executable, "-m", "qingji", "demo", "--no-serve", "--password", "Demo-pass-1"], env=env,
                   check=True, capture_output=True)
    count = "from qingji.ledger.models import Case; print(Case.objects.count())"
    before = subprocess.run([sys.executable, "-m", "qingji", "shell", "-c", count], env=env, capture_output=True,
                            text=True, check=True).stdout.strip()
    big = write_sample_workbook(tmp_path / "big.xlsx", 6000, ["QH-QY-FY", "QH-HY-FY"])
    process = subprocess.Popen([sys.executable, "-m", "qingji", "import-ledger", str(big), "-v", "2"], env=env,
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    # The first batch of rows is written (inside the import's transaction) before it is reported.
    first = process.stderr.readline()
    assert "2000" in first, first
    assert _children_reading(), "a workbook this large is read by a child process"
    process.send_signal(signal.SIGKILL)
    process.wait()
    # The child process reading the workbook (exchange/parsing.py) ends too: its pipe is broken.
    assert _wait_until(lambda: not _children_reading()), "the workbook reader outlived the import"
    after = subprocess.run([sys.executable, "-m", "qingji", "shell", "-c", count], env=env, capture_output=True,
                           text=True, check=True).stdout.strip()
    assert after == before


def _children_reading() -> list[str]:
    """The processes now running exchange/parsing.py's child_main."""
    found = []
    for pid in filter(str.isdigit, os.listdir("/proc")):
        try:
            if b"child_main" in Path(f"/proc/{pid}/cmdline").read_bytes():
                found.append(pid)
        except OSError:
            continue
    return found


def _wait_until(condition, seconds: float = 20.0) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.1)
    return condition()
