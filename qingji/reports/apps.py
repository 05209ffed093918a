from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReportsConfig(AppConfig):
    name = "qingji.reports"
    verbose_name = _("Reports")

    def ready(self) -> None:
        from qingji.reports import dashboard, navigation  # noqa: F401
