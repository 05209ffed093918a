from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class LedgerConfig(AppConfig):
    name = "qingji.ledger"
    verbose_name = _("Ledger")

    def ready(self) -> None:
        from qingji.ledger import navigation  # noqa: F401
