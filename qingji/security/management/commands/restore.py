"""`qingji restore FILE`: restore a backup into an empty database, then verify the audit chain."""

import subprocess
import tarfile
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from qingji.audit.models import AuditEntry
from qingji.audit.services import verify_chain
from qingji.security.backup import BackupError, restore
from qingji.security.management.commands.backup import describe


class Command(BaseCommand):
    help = "Restore a backup made by `qingji backup` into an empty database and verify the audit chain."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", help="the archive written by qingji backup")

    def handle(self, *args: Any, file: str, **options: Any) -> None:
        try:
            files = restore(Path(file))
        except (BackupError, OSError, ValueError, tarfile.TarError, subprocess.SubprocessError) as error:
            raise CommandError(_("Restore refused: %(error)s") % {"error": describe(error)}) from error
        self.stdout.write(_("Restored the database and %(n)d files.") % {"n": files})
        breaks = list(verify_chain())
        if breaks:
            raise CommandError(_("Restored, but the audit chain is broken in %(n)d place(s).") % {"n": len(breaks)})
        self.stdout.write(_("The audit chain is intact: %(n)d entries verified.") % {"n": AuditEntry.objects.count()})
