"""Password rules of the Level-3 baseline: at least three of four character classes."""

import string
from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

if TYPE_CHECKING:
    from qingji.accounts.models import User


def character_classes(password: str) -> int:
    return sum([
        any(c.isupper() for c in password),
        any(c.islower() for c in password),
        any(c.isdigit() for c in password),
        any(c in string.punctuation or not c.isalnum() for c in password),
    ])


class CharacterClassValidator:
    def validate(self, password: str, user: "User | None" = None) -> None:
        if character_classes(password) < 3:
            raise ValidationError(
                _("The password must mix at least three of: upper-case letters, lower-case letters, "
                  "digits and symbols."),
                code="password_too_simple",
            )

    def get_help_text(self) -> str:
        return _("At least three of: upper-case letters, lower-case letters, digits and symbols.")


class PasswordHistoryValidator:
    """Not one of the account's last QINGJI_PASSWORD_HISTORY passwords."""

    def validate(self, password: str, user: "User | None" = None) -> None:
        from django.conf import settings
        from django.contrib.auth.hashers import check_password

        if user is None or user.pk is None:
            return
        recent = user.password_history.order_by("-created_at", "-pk")[:settings.QINGJI_PASSWORD_HISTORY]
        if any(check_password(password, old.password) for old in recent):
            raise ValidationError(
                _("The password must differ from your last %(n)d passwords.")
                % {"n": settings.QINGJI_PASSWORD_HISTORY},
                code="password_reused",
            )

    def get_help_text(self) -> str:
        from django.conf import settings

        return _("Not one of your last %(n)d passwords.") % {"n": settings.QINGJI_PASSWORD_HISTORY}
