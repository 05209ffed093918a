"""`qingji serve`: the production WSGI server (gunicorn), static files served by WhiteNoise; each worker runs the
checkpoints' upkeep thread (reports/upkeep.py)."""

import os
import sys
from typing import Any

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandParser

from qingji.web.checks import check_database


class Command(BaseCommand):
    help = "Run qingji with gunicorn (several workers) on the configured database."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--bind", default=os.environ.get("QINGJI_BIND", "127.0.0.1:8000"))
        parser.add_argument("--workers", type=int, default=int(os.environ.get("QINGJI_WORKERS", "0")) or None)
        parser.add_argument("--timeout", type=int, default=120)
        parser.add_argument("--access-log", dest="access_log", default="-",
                            help="file for the access log (default: standard output)")

    def handle(self, *args: Any, bind: str, workers: int | None, timeout: int, access_log: str,
               **options: Any) -> None:
        check_database()
        settings.STATIC_ROOT.mkdir(parents=True, exist_ok=True)
        call_command("collectstatic", interactive=False, verbosity=0)
        workers = workers or max(2, (os.cpu_count() or 1) * 2 + 1)
        argv = [
            sys.executable, "-m", "gunicorn", "qingji.wsgi:application", "--bind", bind,
            "--config", "python:qingji.web.gunicorn_conf",
            "--workers", str(workers), "--timeout", str(timeout), "--access-logfile", access_log,
            "--forwarded-allow-ips", os.environ.get("QINGJI_FORWARDED_ALLOW_IPS", "127.0.0.1"),
        ]
        os.execv(sys.executable, argv)  # noqa: S606 - replaces this process with gunicorn
