from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SecurityConfig(AppConfig):
    name = "qingji.security"
    verbose_name = _("Security")

    def ready(self) -> None:
        from qingji.security import dashboard, navigation, signals  # noqa: F401
