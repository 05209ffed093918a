"""Accounts: every account belongs to one unit and has one role."""

from collections.abc import Callable

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
    # Password policy (docs/security.md): when the password was last set, and whether it must be
    # changed at the next sign-in (accounts created or reset by an administrator).
    password_changed_at = models.DateTimeField(_("password changed"), null=True, blank=True)
    must_change_password = models.BooleanField(_("must change password"), default=False)
    # Not a column: django-otp's OTPMiddleware sets it on the user of every request (whether this
    # session has passed a second factor).
    is_verified: Callable[[], bool]

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


class PasswordHistory(models.Model):
    """The hashes of an account's previous passwords, so that none of the last few is reused."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="password_history")
    password = models.CharField(max_length=128)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-pk"]


class UserSession(models.Model):
    """Which sessions belong to which account: to keep one active session per account and to let
    the security administrator list and end sessions."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="sessions")
    session_key = models.CharField(max_length=40, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)
    ip = models.CharField(max_length=45, blank=True)

    class Meta:
        ordering = ["-created_at"]
