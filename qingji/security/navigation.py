from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from qingji.web.navigation import NavEntry, capability, register

MENU = "administration menu"
register(NavEntry("admin", pgettext_lazy(MENU, "Units"), "security:units", "diagram-3", capability("orgs.manage"), 10))
register(NavEntry("admin", pgettext_lazy(MENU, "Accounts"), "security:accounts", "people",
                  capability("accounts.manage"), 20))
register(NavEntry("admin", _("Security policy"), "security:policy", "shield-lock", capability("security.manage"), 30))
register(NavEntry("admin", _("Sessions"), "security:sessions", "person-badge", capability("security.manage"), 40))
register(NavEntry("admin", _("Audit log"), "security:audit", "journal-check", capability("audit.view"), 50))
register(NavEntry("admin", _("My account security"), "security:account", "key",
                  lambda user: getattr(user, "is_authenticated", False), 90))
