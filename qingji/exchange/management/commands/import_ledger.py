"""`qingji import-ledger FILE [--sheet NAME] [--campaign CODE] [--dry-run] [--lang en]`.

Exit status 0 when imported, 1 when refused (the full problem list is printed), 2 for usage errors."""

import sys
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import translation
from django.utils.translation import gettext as _

from qingji.campaigns.models import Campaign
from qingji.exchange.importer import import_ledger, problems_text
from qingji.lib.problems import InputRejected
from qingji.lib.tabular import TableError


class Command(BaseCommand):
    help = "Import a ledger workbook (spec/ledger-template.md): all rows or none."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file")
        parser.add_argument("--sheet", help="the sheet to read (default: the first)")
        parser.add_argument("--campaign", help="add the imported cases to this campaign")
        parser.add_argument("--dry-run", action="store_true", help="check and count, write nothing")
        parser.add_argument("--lang", default="zh-hans", choices=["zh-hans", "en"])

    def handle(self, *args: Any, file: str, sheet: str | None, campaign: str | None, dry_run: bool,
               lang: str, **options: Any) -> None:
        translation.activate(lang)
        path = Path(file)
        if not path.is_file():
            raise CommandError(_("No such file: %(path)s") % {"path": file}, returncode=2)
        chosen = Campaign.objects.filter(code=campaign).first() if campaign else None
        if campaign and chosen is None:
            raise CommandError(_("No campaign with code %(code)s.") % {"code": campaign}, returncode=2)
        try:
            result = import_ledger(path, path.name, sheet=sheet, dry_run=dry_run, campaign=chosen,
                                   progress=self._progress if options["verbosity"] >= 2 else None)
        except TableError as exc:
            self.stderr.write(str(exc))
            sys.exit(1)
        except InputRejected as exc:
            for line in problems_text(exc.problems):
                self.stderr.write(line)
            self.stderr.write(_("Nothing was imported: %(n)d problem(s).") % {"n": len(exc.problems)})
            sys.exit(1)
        for column in result.ignored_columns:
            self.stdout.write(_("Ignored column: %(column)s") % {"column": column})
        summary = _("%(created)d new, %(updated)d updated, %(unchanged)d unchanged.") % vars(result)
        self.stdout.write((_("Dry run, nothing written: ") if dry_run else "") + summary)

    def _progress(self, rows: int) -> None:
        self.stderr.write(_("%(n)d rows checked…") % {"n": rows})
        self.stderr.flush()
