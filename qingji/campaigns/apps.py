from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CampaignsConfig(AppConfig):
    name = "qingji.campaigns"
    verbose_name = _("Campaigns")

    def ready(self) -> None:
        from qingji.campaigns import dashboard, navigation  # noqa: F401
