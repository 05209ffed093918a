"""`qingji report summary [--org CODE] [--campaign CODE] [--as-of DATE] --format json|xlsx|docx [--out FILE]`
and `qingji report checkpoints [--full] [--status]` (reports/checkpoints.py)."""

import datetime as dt
import json
import sys
import time
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from qingji.audit.services import audit_log
from qingji.campaigns.models import Campaign
from qingji.organisations.models import Org
from qingji.reports import checkpoints
from qingji.reports.render import summary_docx, summary_xlsx
from qingji.reports.selectors import summary


class Command(BaseCommand):
    help = "Reports computed from the ledger (spec/summary-report.md)."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="report", required=True)
        summary_parser = sub.add_parser("summary", help="the summary report", called_from_command_line=True)
        summary_parser.add_argument("--org", help="unit code (default: the whole database)")
        summary_parser.add_argument("--campaign", help="campaign code")
        summary_parser.add_argument("--as-of", dest="as_of", help="YYYY-MM-DD (default: today)")
        summary_parser.add_argument("--format", required=True, choices=["json", "xlsx", "docx"])
        summary_parser.add_argument("--out", help="output file (JSON goes to standard output without it)")
        points = sub.add_parser("checkpoints", called_from_command_line=True,
                                help="bring the summary's checkpoints up to yesterday (run it daily)")
        points.add_argument("--full", action="store_true", help="rebuild every checkpoint")
        points.add_argument("--status", action="store_true", help="only show what is built")

    def handle(self, *args: Any, report: str, **options: Any) -> None:
        if report == "checkpoints":
            self._checkpoints(full=options["full"], only_status=options["status"])
        else:
            self._summary(**options)

    def _checkpoints(self, *, full: bool, only_status: bool) -> None:
        if not only_status:
            started = time.monotonic()
            made = checkpoints.refresh(full=full)
            self.stdout.write(_("%(count)d checkpoints computed in %(seconds).1f s.")
                              % {"count": sum(made.values()), "seconds": time.monotonic() - started})
        for row in checkpoints.status():
            self.stdout.write(_("%(scope)s: %(count)d checkpoint days through %(day)s, %(stale)d units stale")
                              % {"scope": row["scope"], "count": row["checkpoints"], "day": row["built_through"] or "—",
                                 "stale": row["stale_units"]})

    def _summary(self, *, org: str | None, campaign: str | None, as_of: str | None,
                 format: str, out: str | None, **options: Any) -> None:  # noqa: A002 - the option's name
        unit = self._org(org)
        chosen = self._campaign(campaign)
        day = self._date(as_of)
        figures = summary(org=unit, campaign=chosen, as_of=day)
        if format == "json":
            text = json.dumps(figures, ensure_ascii=False, indent=2)
            if out:
                Path(out).write_text(text + "\n", encoding="utf-8")
            else:
                sys.stdout.write(text + "\n")
        else:
            if not out:
                raise CommandError(_("--out FILE is required for the %(format)s format.") % {"format": format})
            Path(out).write_bytes(summary_xlsx(figures) if format == "xlsx" else summary_docx(figures))
        audit_log(actor=None, action="report.export", object_type="report", object_repr=f"summary {format}",
                  after={"org": org, "campaign": campaign, "as_of": figures["as_of"], "format": format})

    @staticmethod
    def _org(code: str | None) -> Org | None:
        if code is None:
            return None
        org = Org.objects.filter(code=code).first()
        if org is None:
            raise CommandError(_("No unit with code %(code)s.") % {"code": code}, returncode=2)
        return org

    @staticmethod
    def _campaign(code: str | None) -> Campaign | None:
        if code is None:
            return None
        campaign = Campaign.objects.filter(code=code).first()
        if campaign is None:
            raise CommandError(_("No campaign with code %(code)s.") % {"code": code}, returncode=2)
        return campaign

    @staticmethod
    def _date(text: str | None) -> dt.date | None:
        if text is None:
            return None
        try:
            return dt.date.fromisoformat(text)
        except ValueError:
            raise CommandError(_("“%(text)s” is not a date: use YYYY-MM-DD.") % {"text": text}, returncode=2)
