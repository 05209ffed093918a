"""`qingji demo`: migrate, load the demonstration city once, print the accounts, serve."""

import secrets
import string
import time
from typing import Any

from django.conf import settings
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
            started = time.monotonic()
            load_demo(password, progress=self._step)
            self._step("checkpoints")
            checkpoints.refresh()
            self.stdout.write(_("Loaded in %(seconds).0f s.") % {"seconds": time.monotonic() - started})
        self.stdout.write("")
        self.stdout.write(_("Demo accounts (password for all: %(password)s)") % {"password": password})
        for username, code, role, full_name, _official in accounts_demo.ACCOUNTS:
            duty = accounts_demo.DUTIES.get(username)
            line = f"  {username:<18} {role.label:<8} {full_name}  ({code})"
            self.stdout.write(f"{line}  — {duty}" if duty else line)
        self.stdout.write("")
        self.stdout.write(_("The three administrator accounts (sysadmin, secadmin, auditor) set up two-factor sign-in "
                            "at their first sign-in: scan the QR code shown with an authenticator app on a phone "
                            "(any TOTP app, e.g. FreeOTP), then enter its six-digit code; they keep the recovery "
                            "codes shown next."))
        if no_serve:
            return
        access_log = settings.DATA_DIR / "access.log"
        self.stdout.write("")
        self.stdout.write(_("Serving on http://127.0.0.1:%(port)d/ (Ctrl+C to stop); requests are logged to "
                            "%(log)s") % {"port": port, "log": access_log})
        self.stdout.flush()
        call_command("serve", bind=f"127.0.0.1:{port}", workers=2, access_log=str(access_log))

    def _step(self, step: str) -> None:
        labels = {"organisations": _("units"), "accounts": _("accounts"), "rules": _("local rules"),
                  "ledger": _("cases and their work"), "lifecycle": _("closures, terminations and follow-ups"),
                  "reviews": _("file reviews"), "campaigns": _("the campaign and its bulletins"),
                  "checkpoints": _("the summary's checkpoints")}
        self.stdout.write(f"  … {labels.get(step, step)}")
        self.stdout.flush()
