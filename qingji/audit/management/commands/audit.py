"""`qingji audit verify`: check the audit log's hash chain; `qingji audit prune`: apply the retention period."""

from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from qingji.audit.models import AuditEntry
from qingji.audit.services import ChainNotVerified, audit_log, audit_prune, verify_chain

MIN_RETENTION_DAYS = 180


class Command(BaseCommand):
    help = "Audit log operations: verify the hash chain; prune entries past the retention period."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        sub.add_parser("verify", help="verify that no entry was edited, removed or added out of order")
        prune = sub.add_parser("prune", help="delete entries older than the retention period (chain must verify)")
        prune.add_argument("--older-than-days", type=int, default=None,
                           help="default QINGJI_AUDIT_RETENTION_DAYS; at least 180")

    def handle(self, *args: Any, action: str, **options: Any) -> None:
        if action == "prune":
            self.prune(options["older_than_days"] or settings.QINGJI_AUDIT_RETENTION_DAYS)
            return
        breaks = list(verify_chain())
        reasons = {
            "missing": _("entry %(seq)d is missing (deleted)"),
            "prev_hash": _("entry %(seq)d does not follow the entry before it"),
            "altered": _("entry %(seq)d was altered after it was written"),
            "truncated": _("the chain ends before entry %(seq)d (entries were removed at the end)"),
        }
        if breaks:
            for item in breaks:
                self.stderr.write(reasons[item.reason] % {"seq": item.seq})
            raise CommandError(_("The audit chain is broken in %(n)d place(s).") % {"n": len(breaks)})
        self.stdout.write(_("The audit chain is intact: %(n)d entries verified.")
                          % {"n": AuditEntry.objects.count()})

    def prune(self, days: int) -> None:
        if days < MIN_RETENTION_DAYS:
            raise CommandError(_("Audit entries are kept at least %(n)d days.") % {"n": MIN_RETENTION_DAYS})
        try:
            count = audit_prune(older_than_days=days)
        except ChainNotVerified as error:
            raise CommandError(_("The audit chain does not verify; nothing was deleted. Run: qingji audit verify")
                               ) from error
        audit_log(actor=None, action="audit.prune", object_type="audit", after={"days": days, "deleted": count})
        self.stdout.write(_("%(n)d audit entries older than %(days)d days deleted.") % {"n": count, "days": days})
