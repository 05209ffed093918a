from django.utils.translation import gettext_lazy as _

from qingji.web.navigation import NavEntry, capability, register

register(NavEntry("reports", _("Summary report"), "reports:summary", "bar-chart", capability("report.view"), 10))
