from django.utils.translation import gettext_lazy as _

from qingji.web.navigation import NavEntry, capability, register

register(NavEntry("ledger", _("Case ledger"), "ledger:list", "journal-text", capability("case.view"), 10))
register(NavEntry("ledger", _("Register a case"), "ledger:create", "plus-lg", capability("case.register"), 20))
register(NavEntry("ledger", _("Responsibility breakdown"), "ledger:responsibility", "diagram-3",
                  capability("case.view"), 30))
