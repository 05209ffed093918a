"""`qingji demo`: migrate, load the demonstration city once, print the accounts, serve."""

import secrets
import string
from typing import Any

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandParser
from django.utils.translation import gettext as _

from qingji.accounts import demo as accounts_demo
from qingji.reports import checkpoints
from qingji.web.demo import demo_is_loaded, load_demo


def random_password() -> str:
    alphabet = string.ascii_letters + string.digits
    body = "".join(secrets.choice(alphabet) for _ in range(10))
    return f"Qj-{body}{secrets.choice(string.digits)}"


class Command(BaseCommand):
    help = "Create or migrate the database, load the demonstration city, print the accounts and serve."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--port", type=int, default=8000)
        parser.add_argument("--no-serve", action="store_true", help="load and exit")
        parser.add_argument("--password", help="password for every demo account (default: random)")

    def handle(self, *args: Any, port: int, no_serve: bool, password: str | None, **options: Any) -> None:
        call_command("migrate", interactive=False, verbosity=0)
        password = password or random_password()
        if demo_is_loaded():
            accounts_demo.set_passwords(password)
            self.stdout.write(_("The demonstration city is already loaded; passwords were reset."))
        else:
            self.stdout.write(_("Loading the demonstration city 清河市…"))
            load_demo(password)
            checkpoints.refresh()
        self.stdout.write("")
        self.stdout.write(_("Demo accounts (password for all: %(password)s)") % {"password": password})
        for username, code, role, full_name, _official in accounts_demo.ACCOUNTS:
            duty = accounts_demo.DUTIES.get(username)
            line = f"  {username:<18} {role.label:<8} {full_name}  ({code})"
            self.stdout.write(f"{line}  — {duty}" if duty else line)
        if no_serve:
            return
        self.stdout.write("")
        self.stdout.write(_("Serving on http://127.0.0.1:%(port)d/ (Ctrl+C to stop)") % {"port": port})
        call_command("serve", bind=f"127.0.0.1:{port}", workers=2)
