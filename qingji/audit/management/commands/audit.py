"""`qingji audit verify`: check the audit log's hash chain."""

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from qingji.audit.models import AuditEntry
from qingji.audit.services import verify_chain


class Command(BaseCommand):
    help = "Audit log operations: verify the hash chain."

    def add_arguments(self, parser) -> None:  # type: ignore[no-untyped-def]
        sub = parser.add_subparsers(dest="action", required=True)
        sub.add_parser("verify", help="verify that no entry was edited, removed or added out of order")

    def handle(self, *args, action: str, **options) -> None:  # type: ignore[no-untyped-def]
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
