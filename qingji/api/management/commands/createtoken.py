"""`qingji createtoken USERNAME --name NAME`: an API bearer token for an account (printed once)."""

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from qingji.accounts.models import User
from qingji.api.services import api_token_create


class Command(BaseCommand):
    help = "Create an API bearer token for an account; the token is printed once."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("username")
        parser.add_argument("--name", required=True, help="what the token is for")

    def handle(self, *args: Any, username: str, name: str, **options: Any) -> None:
        user = User.objects.filter(username=username, is_active=True).first()
        if user is None:
            raise CommandError(_("No active account named %(name)s.") % {"name": username})
        _token, secret = api_token_create(actor=None, user=user, name=name)
        self.stdout.write(secret)
