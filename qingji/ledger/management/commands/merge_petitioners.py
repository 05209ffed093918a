"""`qingji merge-petitioners [--dry-run]`: merge the petitioners that share an ID number (an ID number is one
person), each merge audited, and report what was merged. The migration that makes the ID number unique merges
what is left the same way; run this first to see it and have it in the audit log."""

from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.db import transaction
from django.utils.translation import gettext as _

from qingji.audit.services import audit_log
from qingji.ledger.merge import merge_duplicates
from qingji.ledger.models import Case, CasePetitioner, Petitioner
from qingji.ledger.services.cases import refresh_search_text


class Command(BaseCommand):
    help = "Merge the petitioners that share an ID number into the oldest, and report what was merged."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--dry-run", action="store_true", help="report only; change nothing")

    def handle(self, *args: Any, dry_run: bool, **options: Any) -> None:
        with transaction.atomic():
            report = merge_duplicates(Petitioner, CasePetitioner, apply=not dry_run)
            if not dry_run:
                for group in report:
                    for case in Case.objects.filter(pk__in=group["cases"]):
                        refresh_search_text(case)
                    audit_log(actor=None, action="petitioner.merge", obj=Petitioner.objects.get(pk=group["kept"]),
                              after=group)
        for group in report:
            self.stdout.write(_("Petitioner %(kept)s (%(names)s): merged %(merged)s; cases moved: %(cases)s")
                              % {"kept": group["kept"], "names": "、".join(group["names"]),
                                 "merged": ", ".join(map(str, group["merged"])),
                                 "cases": ", ".join(map(str, group["cases"])) or "—"})
        count = sum(len(g["merged"]) for g in report)
        self.stdout.write((_("%(n)d petitioners would be merged (dry run: nothing changed).") if dry_run
                           else _("%(n)d petitioners merged.")) % {"n": count})
