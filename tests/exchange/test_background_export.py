import datetime as dt
import io

import openpyxl
from django.urls import reverse
from django.utils import timezone

from qingji.audit.models import AuditEntry
from qingji.exchange.jobs import export_file, exports_dir, prune_exports
from qingji.exchange.models import ExportJob, ExportStatus
from tests.ledger.factories import make_case


def test_a_large_export_runs_in_the_background_and_only_its_requester_downloads_it(client, users, city, settings):
    settings.QINGJI_EXPORT_SYNC_ROWS = 1
    for number in ("B-1", "B-2", "B-3"):
        make_case(city["QH-QY-FY"], name="王芳", ledger_no=number)
    make_case(city["QH-HY-FY"], name="赵强", ledger_no="B-9")
    client.force_login(users["court_a"])
    response = client.get(reverse("exchange:export_ledger"), {"q": "王芳"})
    job = ExportJob.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("exchange:export_job", args=[job.pk])
    page = client.get(response["Location"]).content.decode()
    assert reverse("exchange:export_download", args=[job.pk]) in page and "100%" in page
    download = client.get(reverse("exchange:export_download", args=[job.pk]))
    sheet = openpyxl.load_workbook(io.BytesIO(b"".join(download.streaming_content))).active
    assert [r[0] for r in sheet.iter_rows(min_row=3, values_only=True)] == ["B-1", "B-2", "B-3"]
    assert AuditEntry.objects.filter(action="export.ledger", actor_name="court_a", after__rows=3).exists()
    client.force_login(users["court_a_lead"])
    assert client.get(reverse("exchange:export_job", args=[job.pk])).status_code == 404
    assert client.get(reverse("exchange:export_download", args=[job.pk])).status_code == 404


def test_a_small_export_is_written_at_once(client, users, city):
    make_case(city["QH-QY-FY"], name="王芳", ledger_no="S-1")
    make_case(city["QH-QY-FY"], name="李明", ledger_no="S-2")
    make_case(city["QH-HY-FY"], name="赵强", ledger_no="S-9")  # another court's: not the user's to export
    client.force_login(users["court_a"])
    response = client.get(reverse("exchange:export_ledger"))
    assert response.status_code == 200 and not ExportJob.objects.exists()
    sheet = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    header, *rows = sheet.iter_rows(min_row=2, values_only=True)
    petitioner = header.index("信访人")
    assert [(r[0], r[petitioner]) for r in rows] == [("S-1", "王芳"), ("S-2", "李明")]


def test_the_page_follows_an_export_that_is_still_running(client, users, city):
    job = ExportJob.objects.create(requested_by=users["court_a"], title="t", status=ExportStatus.RUNNING,
                                   total=4000, done=1000)
    client.force_login(users["court_a"])
    page = client.get(reverse("exchange:export_job", args=[job.pk])).content.decode()
    assert "25%" in page and 'hx-trigger="every 2s"' in page
    assert client.get(reverse("exchange:export_download", args=[job.pk])).status_code == 404


def test_exports_are_deleted_after_the_retention_period(users, city, settings):
    settings.QINGJI_EXPORT_RETENTION_HOURS = 24
    (exports_dir() / "old.xlsx").write_bytes(b"PK")
    (exports_dir() / "new.xlsx").write_bytes(b"PK")
    old = ExportJob.objects.create(requested_by=users["court_a"], title="old", status=ExportStatus.DONE,
                                   file_name="old.xlsx")
    ExportJob.objects.filter(pk=old.pk).update(created_at=timezone.now() - dt.timedelta(hours=25))
    new = ExportJob.objects.create(requested_by=users["court_a"], title="new", status=ExportStatus.DONE,
                                   file_name="new.xlsx")
    assert prune_exports() == 1
    assert list(ExportJob.objects.all()) == [new] and export_file(new) is not None
    assert not (exports_dir() / "old.xlsx").exists()


def test_the_database_task_worker_runs_an_export(tmp_path):
    """Outside the tests the task backend is the database one: the job waits in the queue until
    `qingji db-worker` runs it."""
    import os
    import subprocess
    import sys

    env = {**os.environ, "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}", "QINGJI_DATA_DIR": str(tmp_path),
           "QINGJI_EXPORT_SYNC_ROWS": "1"}
    env.pop("PYTEST_CURRENT_TEST", None)

    def qingji(*args: str) -> list[str]:
        return subprocess.run([sys.executable, "-m", "qingji", *args], env=env, capture_output=True, text=True,
                              check=True).stdout.strip().splitlines()[-1:]

    qingji("demo", "--no-serve", "--password", "Demo-pass-1")
    start = ("from qingji.accounts.models import User; from qingji.exchange.jobs import export_start; "
             "print(export_start(User.objects.get(username='committee'), '').status)")
    assert qingji("shell", "-c", start) == ["queued"]
    qingji("db-worker", "--batch", "--no-startup-delay")
    check = ("from qingji.exchange.models import ExportJob; from qingji.exchange.jobs import export_file; "
             "j = ExportJob.objects.get(); print(j.status, j.done > 40, export_file(j) is not None)")
    assert qingji("shell", "-c", check) == ["done True True"]
