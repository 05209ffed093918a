from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SupervisionConfig(AppConfig):
    name = "qingji.supervision"
    verbose_name = _("Supervision")

    def ready(self) -> None:
        from qingji.ledger.panels import CasePanel, register_case_panel
        from qingji.supervision import dashboard, navigation, views  # noqa: F401

        register_case_panel(CasePanel("supervision/_case_panel.html", views.case_panel, order=30))
