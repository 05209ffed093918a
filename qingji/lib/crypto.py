"""Encryption at rest of personal data (AES-256-GCM from `cryptography`).

The key is QINGJI_PII_KEY (base64 of 32 bytes). Sealed values carry the prefix "enc1:" so
that values written before encryption was switched on still read back: `open_value` passes
anything without the prefix through unchanged. SM4-GCM is the future option (docs/security.md).
"""

import base64
import binascii
import os

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

PREFIX = "enc1:"
NONCE_BYTES = 12


def parse_key(text: str) -> bytes:
    """Decode a base64 key and insist on 32 bytes, saying which setting is wrong."""
    try:
        key = base64.b64decode(text.strip(), validate=True)
    except (binascii.Error, ValueError) as error:
        raise ImproperlyConfigured("QINGJI_PII_KEY must be base64 of 32 bytes.") from error
    if len(key) != 32:
        raise ImproperlyConfigured("QINGJI_PII_KEY must be base64 of 32 bytes.")
    return key


def configured_key() -> bytes | None:
    text = getattr(settings, "QINGJI_PII_KEY", "") or ""
    return parse_key(text) if text else None


def seal_with(key: bytes, value: str) -> str:
    nonce = os.urandom(NONCE_BYTES)
    sealed = AESGCM(key).encrypt(nonce, value.encode(), None)
    return PREFIX + base64.b64encode(nonce + sealed).decode()


def open_with(key: bytes, value: str) -> str:
    raw = base64.b64decode(value[len(PREFIX):])
    try:
        return AESGCM(key).decrypt(raw[:NONCE_BYTES], raw[NONCE_BYTES:], None).decode()
    except InvalidTag as error:
        raise ImproperlyConfigured("A sealed value cannot be opened with QINGJI_PII_KEY (wrong key?).") from error


def seal_value(value: str | None) -> str | None:
    """Seal a value for the database; empty values and already-sealed values stay as they are."""
    key = configured_key()
    if key is None or not value or value.startswith(PREFIX):
        return value
    return seal_with(key, value)


def open_value(value: str | None) -> str | None:
    """Open a sealed value; values without the prefix (written without a key) pass through."""
    if not value or not value.startswith(PREFIX):
        return value
    key = configured_key()
    if key is None:
        raise ImproperlyConfigured("Sealed personal data found but QINGJI_PII_KEY is not set.")
    return open_with(key, value)
