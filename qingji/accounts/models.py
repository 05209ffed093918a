"""Accounts: every account belongs to one unit and has one role."""

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils.translation import gettext_lazy as _

from qingji.accounts.roles import ADMIN_ROLES, Role


class User(AbstractUser):
    org = models.ForeignKey(
        "organisations.Org", verbose_name=_("unit"), null=True, blank=True,
        on_delete=models.PROTECT, related_name="accounts",
    )
    role = models.CharField(_("role"), max_length=20, choices=Role.choices, default=Role.UNIT_STAFF)
    full_name = models.CharField(_("full name"), max_length=50, blank=True)
    language = models.CharField(_("language"), max_length=10, blank=True)

    class Meta:
        verbose_name = _("account")
        verbose_name_plural = _("accounts")

    def __str__(self) -> str:
        return self.full_name or self.username

    @property
    def is_admin_role(self) -> bool:
        return self.role in ADMIN_ROLES

    @property
    def display_name(self) -> str:
        return self.full_name or self.username
