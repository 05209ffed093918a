"""Normalising cell values that come from workbooks and forms."""

import unicodedata
from typing import Any


def cell_text(value: Any) -> str:
    """A cell as clean text: NFKC-folded (full-width digits become ASCII), trimmed;
    whole-number floats (how calamine returns numbers) lose their ".0"."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return unicodedata.normalize("NFKC", str(value)).strip()
