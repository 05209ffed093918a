"""Normalising cell values that come from workbooks and forms."""

import datetime as dt
import re
import unicodedata
from decimal import Decimal, InvalidOperation
from typing import Any

from django.utils.translation import gettext as _


def cell_text(value: Any) -> str:
    """A cell as text, trimmed; whole-number floats (how calamine returns numbers) lose their ".0".
    Free text keeps its own characters: Chinese punctuation is full-width and must stay so."""
    if type(value) is str:
        return value.strip()
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


def cell_code(value: Any) -> str:
    """A cell holding a code, a number, a date or a word from a list: NFKC-folded as well, so
    full-width digits and letters (２０１２、ＱＨ) read as their ASCII forms."""
    return unicodedata.normalize("NFKC", cell_text(value))

DATE_PATTERNS = [
    re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})$"),
    re.compile(r"^(\d{4})/(\d{1,2})/(\d{1,2})$"),
    re.compile(r"^(\d{4})\.(\d{1,2})\.(\d{1,2})$"),
    re.compile(r"^(\d{4})年(\d{1,2})月(\d{1,2})日?$"),
    re.compile(r"^(\d{4})(\d{2})(\d{2})$"),
]
NAME_SEPARATORS = re.compile(r"[、,，;；]+")
OFFICIAL = re.compile(r"^(?P<name>[^()（）]+?)\s*[(（](?P<title>[^()（）]*)[)）]$")
TRUE_WORDS = {"是", "√", "✓", "✔", "y", "yes", "1", "true", "有"}
FALSE_WORDS = {"否", "n", "no", "0", "false", "无", "×", ""}


class ValueProblem(ValueError):
    """A cell that cannot be read; the message says why, in the user's language."""


def parse_date(value: Any) -> dt.date | None:
    """An Excel date cell or 2012-01-16, 2012/1/16, 2012.1.16, 2012年1月16日, 20120116."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    text = cell_code(value)
    for pattern in DATE_PATTERNS:
        match = pattern.match(text)
        if match:
            try:
                return dt.date(*(int(part) for part in match.groups()))
            except ValueError:
                break
    raise ValueProblem(_("Not a date; write it as 2012-01-16, 2012/1/16, 2012.1.16, 2012年1月16日 or 20120116."))


def parse_money(value: Any) -> Decimal | None:
    """Yuan with up to two decimals; 1.5万 is 15000, 3,000.50 is 3000.50."""
    text = cell_code(value).replace(",", "").replace("元", "")
    if not text:
        return None
    factor = Decimal(1)
    if text.endswith("万"):
        factor, text = Decimal(10000), text[:-1]
    try:
        amount = (Decimal(text) * factor).quantize(Decimal("0.01"))
    except InvalidOperation:
        raise ValueProblem(_("Not an amount of money; write 15000, 15000.50 or 1.5万."))
    if amount < 0:
        raise ValueProblem(_("An amount cannot be negative."))
    return amount


def parse_flag(value: Any) -> bool:
    text = cell_code(value).lower()
    if text in TRUE_WORDS:
        return True
    if text in FALSE_WORDS:
        return False
    raise ValueProblem(_("Write 是 or 否 (or √, Y, 1; blank means no)."))


def split_names(value: Any) -> list[str]:
    return [part.strip() for part in NAME_SEPARATORS.split(cell_text(value)) if part.strip()]


def parse_official(text: str) -> tuple[str, str]:
    """`name(title)` or `name（title）` → (name, title); a bare name has no title."""
    match = OFFICIAL.match(text.strip())
    if match:
        return match["name"].strip(), match["title"].strip()
    return text.strip(), ""
