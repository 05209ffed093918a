"""`qingji remind [--as-of DATE] [--loop]`: scan deadlines and send what is due, each notice once."""

import datetime as dt
import time
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone
from django.utils.translation import gettext as _

from qingji.audit.services import audit_log
from qingji.reports import checkpoints
from qingji.supervision.scan import run_scan
from qingji.supervision.schedule import claim


class Command(BaseCommand):
    help = "Scan deadlines, reminders and tasks; send the notices that are due (running twice sends nothing twice)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--as-of", dest="as_of", help="YYYY-MM-DD (default: today)")
        parser.add_argument("--loop", action="store_true", help="keep running; scan once a day")
        parser.add_argument("--interval", type=int, default=86400, help="seconds between scans with --loop")

    def handle(self, *args: Any, as_of: str | None, loop: bool, interval: int, **options: Any) -> None:
        if as_of and loop:
            raise CommandError(_("--as-of and --loop do not go together."))
        if not loop:
            self._scan(self._date(as_of))
            return
        while True:
            if claim("remind", now=timezone.now(), interval=dt.timedelta(seconds=interval)):
                self._scan(timezone.localdate())
            # The summary's checkpoints gain yesterday and lose what history changes made stale.
            if claim("checkpoints", now=timezone.now(), interval=dt.timedelta(seconds=interval)):
                made = checkpoints.refresh()
                self.stdout.write(_("%(count)d summary checkpoints computed") % {"count": sum(made.values())})
                self.stdout.flush()
            time.sleep(min(60, interval))

    def _scan(self, day: dt.date) -> None:
        sent = run_scan(day)
        audit_log(actor=None, action="supervision.scan", object_type="scan", object_repr=str(day),
                  after={"as_of": day, **sent})
        total = sum(sent.values())
        self.stdout.write(_("%(date)s: %(total)d notices sent") % {"date": day, "total": total}
                          + " (" + ", ".join(f"{k} {v}" for k, v in sent.items()) + ")")
        self.stdout.flush()  # a --loop process shows each day's scan as it happens

    @staticmethod
    def _date(value: str | None) -> dt.date:
        if not value:
            return timezone.localdate()
        try:
            return dt.date.fromisoformat(value)
        except ValueError as error:
            raise CommandError(_("Give the date as YYYY-MM-DD.")) from error
