from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class LifecycleConfig(AppConfig):
    name = "qingji.lifecycle"
    verbose_name = _("Case lifecycle")

    def ready(self) -> None:
        from qingji.ledger.panels import CasePanel, register_case_panel
        from qingji.lifecycle import dashboard, navigation, views  # noqa: F401

        register_case_panel(CasePanel("lifecycle/_case_panel.html", views.case_panel, order=10))
