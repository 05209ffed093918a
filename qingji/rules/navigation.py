from django.utils.translation import pgettext_lazy

from qingji.web.navigation import NavEntry, capability, register

# 地方规则设置: every case role reads the rules in force for its unit; who may edit gets the forms there.
register(NavEntry("admin", pgettext_lazy("page title", "Local rules"), "rules:page", "sliders",
                  capability("rules.view"), 5))
