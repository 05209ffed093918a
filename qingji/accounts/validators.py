"""Password rules of the Level-3 baseline: at least three of four character classes."""

import string

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _


def character_classes(password: str) -> int:
    return sum([
        any(c.isupper() for c in password),
        any(c.islower() for c in password),
        any(c.isdigit() for c in password),
        any(c in string.punctuation or not c.isalnum() for c in password),
    ])


class CharacterClassValidator:
    def validate(self, password: str, user=None) -> None:  # type: ignore[no-untyped-def]
        if character_classes(password) < 3:
            raise ValidationError(
                _("The password must mix at least three of: upper-case letters, lower-case letters, "
                  "digits and symbols."),
                code="password_too_simple",
            )

    def get_help_text(self) -> str:
        return _("At least three of: upper-case letters, lower-case letters, digits and symbols.")
