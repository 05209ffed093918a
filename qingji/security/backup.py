"""Consistent online backup and restore: the database (SQLite's backup API, or pg_dump's custom format) and the
uploaded files in one tar.gz with a SHA-256 manifest."""

import hashlib
import io
import json
import os
import sqlite3
import subprocess
import tarfile
import tempfile
from pathlib import Path

from django.conf import settings
from django.db import connection
from django.utils.translation import gettext as _

from qingji.accounts.models import User
from qingji.audit.models import AuditEntry

MANIFEST = "manifest.json"


class BackupError(Exception):
    pass


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _pg_env() -> tuple[list[str], dict[str, str]]:
    db = settings.DATABASES["default"]
    args = ["-h", str(db.get("HOST") or "127.0.0.1"), "-p", str(db.get("PORT") or 5432),
            "-U", str(db.get("USER") or "postgres"), "-d", connection.settings_dict["NAME"]]
    env = {**os.environ, "PGPASSWORD": str(db.get("PASSWORD") or "")}
    return args, env


def _dump_database(target: Path) -> str:
    if connection.vendor == "sqlite":
        connection.ensure_connection()
        with sqlite3.connect(target) as copy:
            connection.connection.backup(copy)
        copy.close()
        return "database.sqlite3"
    args, env = _pg_env()
    subprocess.run(["pg_dump", "-Fc", "-f", str(target), *args], env=env, check=True, capture_output=True)
    return "database.pgdump"


def backup(path: Path) -> dict[str, str]:
    """Write the backup archive; returns the manifest (member → SHA-256)."""
    with tempfile.TemporaryDirectory() as work:
        dump = Path(work) / "database"
        name = _dump_database(dump)
        manifest = {name: _sha256(dump)}
        media = Path(settings.MEDIA_ROOT)
        files = sorted(p for p in media.rglob("*") if p.is_file()) if media.exists() else []
        for file in files:
            manifest["files/" + file.relative_to(media).as_posix()] = _sha256(file)
        with tarfile.open(path, "w:gz") as archive:
            archive.add(dump, arcname=name)
            for file in files:
                archive.add(file, arcname="files/" + file.relative_to(media).as_posix())
            data = json.dumps(manifest, indent=1, ensure_ascii=False).encode()
            info = tarfile.TarInfo(MANIFEST)
            info.size = len(data)
            archive.addfile(info, io.BytesIO(data))
    return manifest


def database_is_empty() -> bool:
    return not User.objects.exists() and not AuditEntry.objects.exists()


def restore(path: Path) -> int:
    """Restore into an empty database: check every checksum first, then the database, then the files.
    Returns the number of files restored."""
    if not database_is_empty():
        raise BackupError(_("The database is not empty; restore only into a freshly migrated, empty database."))
    with tempfile.TemporaryDirectory() as work, tarfile.open(path, "r:gz") as archive:
        archive.extractall(work, filter="data")
        root = Path(work)
        if not (root / MANIFEST).is_file():
            raise BackupError(_("This file is not a qingji backup (it has no manifest)."))
        manifest = json.loads((root / MANIFEST).read_text())
        for member, expected in manifest.items():
            if not (root / member).is_file() or _sha256(root / member) != expected:
                raise BackupError(_("Checksum mismatch: %(member)s") % {"member": member})
        if "database.sqlite3" in manifest:
            if connection.vendor != "sqlite":
                raise BackupError(_("This backup is of a SQLite database."))
            connection.ensure_connection()
            with sqlite3.connect(root / "database.sqlite3") as source:
                source.backup(connection.connection)
            source.close()
        else:
            if connection.vendor != "postgresql":
                raise BackupError(_("This backup is of a PostgreSQL database."))
            args, env = _pg_env()
            connection.close()
            subprocess.run(["pg_restore", "--clean", "--if-exists", "--no-owner", "--single-transaction", *args,
                            str(root / "database.pgdump")], env=env, check=True, capture_output=True)
        media = Path(settings.MEDIA_ROOT)
        restored = 0
        for member in manifest:
            if member.startswith("files/"):
                target = media / member.removeprefix("files/")
                target.parent.mkdir(parents=True, exist_ok=True)
                target.write_bytes((root / member).read_bytes())
                restored += 1
    return restored
