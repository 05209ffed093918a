from django.utils.translation import gettext_lazy as _

from qingji.web.navigation import NavEntry, capability, register

register(NavEntry("exchange", _("Import a ledger"), "exchange:import", "upload", capability("case.import"), 10))
register(NavEntry("exchange", _("Import template"), "exchange:template", "file-earmark-spreadsheet",
                  capability("case.import"), 20))
