from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SupervisionConfig(AppConfig):
    name = "qingji.supervision"
    verbose_name = _("Supervision")

    def ready(self) -> None:
        from qingji.supervision import dashboard, navigation  # noqa: F401
