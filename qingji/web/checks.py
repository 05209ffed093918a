"""Start-up checks of the configured database."""

from django.core.management.base import CommandError
from django.db import connection
from django.utils.translation import gettext as _


def check_database() -> None:
    """PostgreSQL must use a UTF-8 ctype, or trigram search finds nothing in Chinese text."""
    if connection.vendor != "postgresql":
        return
    with connection.cursor() as cursor:
        cursor.execute("SHOW lc_ctype")
        ctype = cursor.fetchone()[0]
    if "utf" not in ctype.lower().replace("-", ""):
        raise CommandError(
            _("The PostgreSQL database uses the locale %(ctype)s; qingji needs a UTF-8 one "
              "(e.g. createdb --locale=C.UTF-8 --template=template0).") % {"ctype": ctype}
        )
