"""`qingji export-ledger --org CODE [--campaign CODE] --out FILE.xlsx`: the ledger in its own workbook format."""

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db.models import Exists, OuterRef
from django.utils.translation import gettext as _

from qingji.audit.services import audit_log
from qingji.campaigns.models import Campaign, CampaignCase
from qingji.exchange.exporter import export_cases, export_title
from qingji.ledger.selectors import cases_in_org_scope
from qingji.organisations.models import Org


class Command(BaseCommand):
    help = "Export the ledger of a unit's scope as a workbook in the import format."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--org", required=True, help="unit code")
        parser.add_argument("--campaign", help="campaign code")
        parser.add_argument("--out", required=True, help="the .xlsx file to write")
        parser.add_argument("--full", action="store_true", help="full ID numbers and phones (audited)")

    def handle(self, *args: Any, org: str, campaign: str | None, out: str, full: bool, **options: Any) -> None:
        unit = Org.objects.filter(code=org).first()
        if unit is None:
            raise CommandError(_("No unit with code %(code)s.") % {"code": org}, returncode=2)
        cases = cases_in_org_scope(unit)
        if campaign:
            chosen = Campaign.objects.filter(code=campaign).first()
            if chosen is None:
                raise CommandError(_("No campaign with code %(code)s.") % {"code": campaign}, returncode=2)
            cases = cases.filter(Exists(CampaignCase.objects.filter(case=OuterRef("pk"), campaign=chosen)))
        count = export_cases(cases, out, title=export_title(unit.name), full_pii=full)
        audit_log(actor=None, action="export.full_pii" if full else "export.ledger", obj=unit,
                  after={"rows": count, "campaign": campaign, "file": out})
        self.stdout.write(_("%(n)d cases written to %(out)s.") % {"n": count, "out": out})
