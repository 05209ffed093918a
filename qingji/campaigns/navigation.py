from django.utils.translation import gettext_lazy as _

from qingji.web.navigation import NavEntry, capability, register

register(NavEntry("campaigns", _("Campaigns"), "campaigns:list", "flag", capability("campaign.view"), 10))
register(NavEntry("campaigns", _("Written explanations"), "campaigns:explanations", "pencil-square",
                  capability("campaign.view"), 20))
