"""`qingji createuser USERNAME --org CODE --role ROLE`: create an account."""

import getpass
from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from qingji.accounts.models import User
from qingji.accounts.roles import Role
from qingji.accounts.services import user_create
from qingji.organisations.models import Org


class Command(BaseCommand):
    help = "Create an account belonging to a unit, with one role."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("username")
        parser.add_argument("--org", required=True, help="unit code")
        parser.add_argument("--role", required=True, choices=Role.values)
        parser.add_argument("--name", default="", help="full name")
        parser.add_argument("--password", help="password (asked for when not given)")

    def handle(self, *args: Any, username: str, org: str, role: str, name: str, password: str | None,
               **options: Any) -> None:
        unit = Org.objects.filter(code=org).first()
        if unit is None:
            raise CommandError(_("No unit with code %(code)s.") % {"code": org})
        if User.objects.filter(username=username).exists():
            raise CommandError(_("The username %(name)s is taken.") % {"name": username})
        if password is None:
            password = getpass.getpass(_("Password: "))
        try:
            user_create(actor=None, username=username, password=password, org=unit, role=role, full_name=name)
        except ValidationError as exc:
            raise CommandError(" ".join(exc.messages))
        self.stdout.write(_("Account %(name)s created.") % {"name": username})
