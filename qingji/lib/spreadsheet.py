"""Writing cells safely. A text cell that starts with = + - @ could be run as a formula by a
spreadsheet (formula injection), so such text is written as an explicit text cell with Excel's
quote prefix: the value stays exactly what it was (the round trip is unchanged), but it is never
evaluated, not even when the user edits the cell."""

from typing import TypeGuard

from openpyxl.cell import WriteOnlyCell
from openpyxl.worksheet.worksheet import Worksheet

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def is_formula_like(value: object) -> TypeGuard[str]:
    return isinstance(value, str) and value.startswith(FORMULA_STARTS)


def safe_cell(sheet: Worksheet, value: object) -> object:
    """A value for `sheet.append`: formula-like text becomes a quote-prefixed text cell."""
    if not is_formula_like(value):
        return value
    cell = WriteOnlyCell(sheet, value=value)
    cell.data_type = "s"
    cell.quotePrefix = True
    return cell


def safe_row(sheet: Worksheet, values: list[object]) -> list[object]:
    return [safe_cell(sheet, v) for v in values]
