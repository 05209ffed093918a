"""`qingji backup FILE`: a consistent online backup of the database and the uploaded files."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from qingji.security.backup import backup


class Command(BaseCommand):
    help = "Back up the database and the uploaded files into one tar.gz with a SHA-256 manifest."

    def add_arguments(self, parser) -> None:  # type: ignore[no-untyped-def]
        parser.add_argument("file", help="the archive to write (.tar.gz)")

    def handle(self, *args, file: str, **options) -> None:  # type: ignore[no-untyped-def]
        try:
            manifest = backup(Path(file))
        except (OSError, Exception) as error:
            raise CommandError(f"Backup failed: {error}") from error
        self.stdout.write(f"{file}: {len(manifest)} members, SHA-256 manifest included.")
