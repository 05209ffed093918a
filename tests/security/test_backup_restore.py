"""`qingji backup` of the test database, then `qingji restore` into a separate, freshly migrated database (a SQLite
file, or a new PostgreSQL database dropped afterwards) in subprocesses: every table and the uploaded files come
back, the audit chain verifies, and a tampered archive or a database that is not empty is refused."""

import io
import json
import os
import subprocess
import sys
import tarfile
import uuid
from pathlib import Path

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.db import connection

from qingji.audit.models import AuditEntry
from qingji.ledger.models import AttachmentKind, CaseStatus
from qingji.ledger.services import attachment_add
from tests.ledger.factories import make_case
from tests.security.table_dump import dump_tables

pytestmark = pytest.mark.django_db(transaction=True)  # committed, so that pg_dump (another process) sees it

TIMEOUT = 300
DUMP_SCRIPT = Path(__file__).with_name("table_dump.py")


@pytest.fixture
def fresh_database(tmp_path):  # type: ignore[no-untyped-def]
    """The DATABASE_URL of an empty database separate from the test database."""
    if connection.vendor == "sqlite":
        yield f"sqlite:///{tmp_path / 'restored.sqlite3'}"
        return
    db = settings.DATABASES["default"]
    name = f"qingji_restore_{os.getpid()}_{uuid.uuid4().hex[:8]}"
    with connection.cursor() as cursor:
        cursor.execute(f'CREATE DATABASE "{name}"')
    auth = db.get("USER") or "postgres"
    if db.get("PASSWORD"):
        auth += f":{db['PASSWORD']}"
    try:
        yield f"postgres://{auth}@{db.get('HOST') or '127.0.0.1'}:{db.get('PORT') or 5432}/{name}"
    finally:
        with connection.cursor() as cursor:
            cursor.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def qingji(database_url: str, data_dir: Path, *args: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "DATABASE_URL": database_url, "QINGJI_DATA_DIR": str(data_dir),
           "QINGJI_SECRET_KEY": settings.SECRET_KEY, "QINGJI_TESTING": "1"}
    return subprocess.run([sys.executable, *args], env=env, cwd=data_dir, capture_output=True, text=True,
                          timeout=TIMEOUT)


def tampered(archive: Path, target: Path, member_prefix: str) -> Path:
    """A copy of the archive with one byte changed in the first member whose name starts with member_prefix,
    the manifest left as it was."""
    with tarfile.open(archive, "r:gz") as source, tarfile.open(target, "w:gz") as copy:
        done = False
        for info in source.getmembers():
            data = source.extractfile(info).read()
            if not done and info.name.startswith(member_prefix):
                data = data[:-1] + bytes([data[-1] ^ 0xFF])
                done = True
            copy.addfile(info, io.BytesIO(data))
    assert done
    return target


def test_a_backup_restores_into_a_fresh_database_with_every_table_and_file(users, city, tmp_path, fresh_database):
    case = make_case(city["QH-QY-FY"], name="柳青", status=CaseStatus.IN_PROGRESS)
    make_case(city["QH-GAJ"], name="王芳", status=CaseStatus.CLOSED_SETTLED, method="written_pledge")
    pdf = b"%PDF-1.4\n" + "化解协议书".encode() * 100
    attachment = attachment_add(actor=users["court_a"], case=case, kind=AttachmentKind.PLEDGE,
                                uploaded=SimpleUploadedFile("息诉罢访承诺书.pdf", pdf))
    archive = tmp_path / "backup.tar.gz"
    out = io.StringIO()
    call_command("backup", str(archive), stdout=out)
    assert "SHA-256" in out.getvalue()
    source_tables = dump_tables(connection)
    audit_entries = AuditEntry.objects.count()
    assert audit_entries > 0 and source_tables["ledger_attachment"]

    data_dir = tmp_path / "restored"
    data_dir.mkdir()
    migrated = qingji(fresh_database, data_dir, "-m", "qingji", "migrate", "--noinput")
    assert migrated.returncode == 0, migrated.stderr

    # Tampered archives are refused before anything is written (the restore below needs an empty database).
    for prefix in ("database.", "files/"):
        bad = tampered(archive, tmp_path / f"tampered-{prefix[:-1]}.tar.gz", prefix)
        refused = qingji(fresh_database, data_dir, "-m", "qingji", "restore", str(bad))
        assert refused.returncode != 0
        assert "拒绝恢复：校验值不符" in refused.stderr, refused.stderr
    not_a_backup = tmp_path / "not-a-backup.tar.gz"
    with tarfile.open(not_a_backup, "w:gz") as empty:
        empty.addfile(tarfile.TarInfo("readme.txt"), io.BytesIO(b""))
    refused = qingji(fresh_database, data_dir, "-m", "qingji", "restore", str(not_a_backup))
    assert refused.returncode != 0 and "不是清积备份" in refused.stderr, refused.stderr

    restored = qingji(fresh_database, data_dir, "-m", "qingji", "restore", str(archive))
    assert restored.returncode == 0, restored.stderr
    assert "已恢复数据库和 1 个文件" in restored.stdout
    assert f"审计哈希链完整：已校验 {audit_entries} 条记录" in restored.stdout

    dumped = qingji(fresh_database, data_dir, str(DUMP_SCRIPT))
    assert dumped.returncode == 0, dumped.stderr
    restored_tables = json.loads(dumped.stdout)
    assert restored_tables.keys() == source_tables.keys()
    for table, rows in source_tables.items():
        assert restored_tables[table] == rows, table
    assert (data_dir / "files" / attachment.file.name).read_bytes() == pdf

    again = qingji(fresh_database, data_dir, "-m", "qingji", "restore", str(archive))
    assert again.returncode != 0 and "数据库不为空" in again.stderr, again.stderr
