"""`qingji import-orgs FILE`: load or update the organisation directory from xlsx or csv."""

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from qingji.lib.problems import InputRejected
from qingji.lib.tabular import TableError
from qingji.organisations.importer import read_org_rows
from qingji.organisations.services import org_import


class Command(BaseCommand):
    help = "Load or update units from a workbook or CSV (单位编码, 单位名称, 单位类别, 层级, 上级单位编码, 行政区划代码)."  # noqa: E501

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file")

    def handle(self, *args: Any, file: str, **options: Any) -> None:
        path = Path(file)
        if not path.is_file():
            raise CommandError(_("No such file: %(path)s") % {"path": file})
        try:
            rows = read_org_rows(path, path.name)
            result = org_import(actor=None, rows=rows)
        except TableError as exc:
            raise CommandError(str(exc))
        except InputRejected as exc:
            for p in exc.problems:
                self.stderr.write(_("row %(row)s, %(column)s “%(value)s”: %(message)s") % p.as_dict())
            raise CommandError(_("Nothing was imported: %(n)d problem(s).") % {"n": len(exc.problems)})
        self.stdout.write(_("Units: %(created)d new, %(updated)d updated, %(unchanged)d unchanged.")
                          % vars(result))
