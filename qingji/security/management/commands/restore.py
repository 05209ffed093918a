"""`qingji restore FILE`: restore a backup into an empty database, then verify the audit chain."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from qingji.audit.models import AuditEntry
from qingji.audit.services import verify_chain
from qingji.security.backup import BackupError, restore


class Command(BaseCommand):
    help = "Restore a backup made by `qingji backup` into an empty database and verify the audit chain."

    def add_arguments(self, parser) -> None:  # type: ignore[no-untyped-def]
        parser.add_argument("file", help="the archive written by qingji backup")

    def handle(self, *args, file: str, **options) -> None:  # type: ignore[no-untyped-def]
        try:
            files = restore(Path(file))
        except (BackupError, OSError, ValueError) as error:
            raise CommandError(f"Restore refused: {error}") from error
        self.stdout.write(f"Restored the database and {files} files.")
        breaks = list(verify_chain())
        if breaks:
            raise CommandError(f"Restored, but the audit chain is broken in {len(breaks)} place(s).")
        self.stdout.write(f"The audit chain is intact: {AuditEntry.objects.count()} entries verified.")
