from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "qingji.accounts"
    verbose_name = _("Accounts")

    def ready(self) -> None:
        from qingji.accounts import signals  # noqa: F401
