"""Rates and shares as the reports print them: one decimal, rounded half up, as strings."""

from decimal import ROUND_HALF_UP, Decimal


def rate(part: int, whole: int) -> str | None:
    """part ÷ whole × 100 with one decimal, half up: 5/9 → "55.6", 2/69 → "2.9"; None for an empty group."""
    if not whole:
        return None
    value = (Decimal(part) * 100 / Decimal(whole)).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)
    return f"{value:.1f}"


def percent_text(value: str | None) -> str:
    """A rate as the documents print it: "100.0" → "100%", "37.5" → "37.5%", None → "—"."""
    if value is None:
        return "—"
    return f"{value.removesuffix('.0')}%"
