from django.utils.translation import gettext_lazy as _

from qingji.web.navigation import NavEntry, capability, register

register(NavEntry("supervision", _("Deadlines"), "supervision:deadlines", "alarm", capability("supervision.view"), 10))
register(NavEntry("supervision", _("Reminders"), "supervision:reminders", "envelope-exclamation",
                  capability("supervision.view"), 20))
register(NavEntry("supervision", _("Rectification orders"), "supervision:rectifications", "wrench",
                  capability("supervision.view"), 30))
register(NavEntry("workbench", _("Notifications"), "supervision:notifications", "bell",
                  capability("supervision.view"), 5))
