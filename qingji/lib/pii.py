"""Personal data (PIPL): masking, keyed digests for exact-match search, and the model field
that stores ID numbers and phone numbers (encrypted at rest when a key is configured)."""

import hmac
from typing import Any

from django.conf import settings
from django.db import models


def mask_id_number(value: str) -> str:
    """620102199001011234 → 620102********1234 (15-digit numbers keep the same 6 + 4)."""
    if not value:
        return ""
    if len(value) <= 10:
        return "*" * len(value)
    return value[:6] + "*" * (len(value) - 10) + value[-4:]


def mask_phone(value: str) -> str:
    """13812345678 → 138****5678; short numbers keep only their last two digits."""
    if not value:
        return ""
    digits = value.strip()
    if len(digits) >= 11:
        return digits[:3] + "*" * (len(digits) - 7) + digits[-4:]
    return "*" * max(len(digits) - 2, 0) + digits[-2:]


def digest(value: str) -> str:
    """Keyed hash (HMAC-SHA256) of a normalised value, for exact-match search and duplicate detection."""
    if not value:
        return ""
    key = (getattr(settings, "QINGJI_PII_HMAC_KEY", "") or settings.SECRET_KEY).encode()
    return hmac.digest(key, value.strip().upper().encode(), "sha256").hex()


class SealedCharField(models.CharField):
    """A CharField for personal data. Values are stored as given unless encryption at rest
    is configured (see qingji.lib.crypto), in which case they are sealed on the way in and
    opened on the way out; search uses the companion digest column, never this one."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("max_length", 255)
        super().__init__(*args, **kwargs)

    def from_db_value(self, value: str | None, expression: object, connection: object) -> str | None:
        from qingji.lib import crypto

        return crypto.open_value(value)

    def get_prep_value(self, value: Any) -> str | None:
        from qingji.lib import crypto

        value = super().get_prep_value(value)
        return crypto.seal_value(value)
