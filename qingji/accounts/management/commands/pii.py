"""`qingji pii rotate-key --old-key OLD --new-key NEW`: re-seal every petitioner's ID number and phone."""

from typing import Any

from django.core.exceptions import ImproperlyConfigured
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import connection, transaction
from django.utils.translation import gettext as _

from qingji.lib import crypto


def _reseal(value: str, old: bytes | None, new: bytes | None) -> str:
    plain = crypto.open_with(old, value) if value.startswith(crypto.PREFIX) and old else value
    if plain.startswith(crypto.PREFIX):
        raise CommandError(_("A sealed value cannot be opened without the old key."))
    return crypto.seal_with(new, plain) if new and plain else plain


class Command(BaseCommand):
    help = "Personal data: re-seal ID numbers and phones under a new key (empty new key = decrypt)."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        rotate = sub.add_parser("rotate-key", help="re-seal every petitioner's ID number and phone")
        rotate.add_argument("--old-key", default="", help="current key (base64, empty if not encrypted)")
        rotate.add_argument("--new-key", default="", help="new key (base64, empty to store in clear)")

    def handle(self, *args: Any, action: str, old_key: str, new_key: str, **options: Any) -> None:
        try:
            old = crypto.parse_key(old_key) if old_key else None
            new = crypto.parse_key(new_key) if new_key else None
        except ImproperlyConfigured as error:
            raise CommandError(str(error)) from error
        # Raw SQL: the model field would open/seal with the configured key, which is the one being replaced.
        count = 0
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute("SELECT id, id_number, phone FROM ledger_petitioner")
            for pk, id_number, phone in cursor.fetchall():
                try:
                    sealed = (_reseal(id_number or "", old, new), _reseal(phone or "", old, new))
                except ImproperlyConfigured as error:
                    raise CommandError(_("Petitioner %(pk)s: the old key does not open its data.")
                                       % {"pk": pk}) from error
                cursor.execute("UPDATE ledger_petitioner SET id_number = %s, phone = %s WHERE id = %s",
                               [*sealed, pk])
                count += 1
        self.stdout.write(_("%(n)d petitioners re-sealed.") % {"n": count})
