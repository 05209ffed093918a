"""`qingji backup FILE`: a consistent online backup of the database and the uploaded files."""

import subprocess
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from qingji.security.backup import backup


def describe(error: Exception) -> str:
    """The reason to show: a failed pg_dump/pg_restore tells it on its standard error."""
    if isinstance(error, subprocess.CalledProcessError):
        output = error.stderr.decode(errors="replace") if isinstance(error.stderr, bytes) else error.stderr
        return (output or "").strip() or str(error)
    return str(error)


class Command(BaseCommand):
    help = "Back up the database and the uploaded files into one tar.gz with a SHA-256 manifest."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", help="the archive to write (.tar.gz)")

    def handle(self, *args: Any, file: str, **options: Any) -> None:
        try:
            manifest = backup(Path(file))
        except (OSError, subprocess.SubprocessError) as error:
            raise CommandError(_("Backup failed: %(error)s") % {"error": describe(error)}) from error
        self.stdout.write(_("%(file)s: %(n)d members, SHA-256 manifest included.")
                          % {"file": file, "n": len(manifest)})
