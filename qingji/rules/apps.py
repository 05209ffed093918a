from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RulesConfig(AppConfig):
    name = "qingji.rules"
    verbose_name = _("Local rules")

    def ready(self) -> None:
        from qingji.rules import navigation  # noqa: F401
