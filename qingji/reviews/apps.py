from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReviewsConfig(AppConfig):
    name = "qingji.reviews"
    verbose_name = _("Reviews")

    def ready(self) -> None:
        from qingji.ledger.panels import CasePanel, register_case_panel
        from qingji.reviews import views

        register_case_panel(CasePanel("reviews/_case_panel.html", views.case_panel, order=20))
