"""`qingji bulletin issue --campaign CODE --as-of DATE [--cadence weekly|half_monthly|monthly] [--out FILE.docx]`.

`--cadence`, where it differs from the cadence in force, sets the campaign's own rule `bulletin.cadence`
(as `qingji rules set --campaign CODE bulletin.cadence` does: versioned and audited) from this bulletin on."""

import datetime as dt
from pathlib import Path
from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from qingji.campaigns.bulletins import bulletin_issue
from qingji.campaigns.models import Cadence, Campaign
from qingji.campaigns.render import bulletin_docx


class Command(BaseCommand):
    help = "Issue a campaign bulletin: compute, rank, freeze and render it."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        issue = sub.add_parser("issue", help="issue the next bulletin", called_from_command_line=True)
        issue.add_argument("--campaign", required=True, help="campaign code")
        issue.add_argument("--as-of", dest="as_of", required=True, help="YYYY-MM-DD")
        issue.add_argument("--cadence", choices=Cadence.values,
                           help="set the campaign's rule bulletin.cadence from this bulletin on")
        issue.add_argument("--out", help="write the bulletin document (.docx) here")

    def handle(self, *args: Any, action: str, campaign: str, as_of: str, cadence: str | None, out: str | None,
               **options: Any) -> None:
        chosen = Campaign.objects.filter(code=campaign).first()
        if chosen is None:
            raise CommandError(_("No campaign has the code %(code)s.") % {"code": campaign})
        try:
            day = dt.date.fromisoformat(as_of)
        except ValueError as error:
            raise CommandError(_("Give the date as YYYY-MM-DD.")) from error
        try:
            bulletin = bulletin_issue(actor=None, campaign=chosen, as_of=day, cadence=cadence)
        except ValidationError as error:
            raise CommandError(" ".join(error.messages)) from error
        if out:
            Path(out).write_bytes(bulletin_docx(bulletin.snapshot))
        rows = bulletin.snapshot["rows"]
        self.stdout.write(_("Bulletin %(n)d of %(campaign)s as of %(date)s: %(units)d units ranked, %(commended)d "
                            "commended, %(criticised)d criticised.")
                          % {"n": bulletin.number, "campaign": chosen.code, "date": day, "units": len(rows),
                             "commended": sum(r["commended"] for r in rows),
                             "criticised": sum(r["criticised"] for r in rows)})
