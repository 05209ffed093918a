"""Writing cells safely. A text cell that starts with = + - @ (or a tab or carriage return before
one) could be run as a formula by a spreadsheet (formula injection). `is_formula_like` is the one
test, for every export: in a workbook such text is an explicit text cell with Excel's quote prefix
(the value stays exactly what it was, so the round trip is unchanged, but it is never evaluated,
not even when the user edits the cell); a CSV has no cell types, so there it gets a leading quote."""

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


def csv_safe(value: object) -> object:
    """A value for a CSV row: formula-like text with a leading quote; anything else (empty text included)
    as it is."""
    return "'" + value if isinstance(value, str) and is_formula_like(value) else value
