from django.utils.translation import gettext_lazy as _

from qingji.web.navigation import NavEntry, capability, register

register(NavEntry("workbench", _("Pending approvals"), "lifecycle:approvals", "check2-square",
                  capability("case.view"), 20))
register(NavEntry("supervision", _("Follow-up visits"), "lifecycle:follow_ups", "telephone",
                  capability("followup.record"), 40))
register(NavEntry("supervision", _("Sample checks"), "lifecycle:sample_checks", "shuffle",
                  capability("sample_check.manage"), 50))
