"""The workbook given back to the user with every bad cell filled red and commented."""

from io import BytesIO
from pathlib import Path

import openpyxl
from openpyxl.comments import Comment
from openpyxl.styles import PatternFill
from openpyxl.worksheet.worksheet import Worksheet

from qingji.lib.problems import ProblemList
from qingji.lib.tabular import normalise_header

RED = PatternFill(start_color="FFC7CE", end_color="FFC7CE", fill_type="solid")


def mark_problems(path: Path, problems: ProblemList, sheet: str | None = None) -> bytes:
    workbook = openpyxl.load_workbook(path)
    worksheet = workbook[sheet] if sheet else workbook.worksheets[0]
    columns = _header_columns(worksheet)
    for problem in problems:
        if problem.row is None:
            continue
        column = columns.get(normalise_header(problem.column), 1)
        cell = worksheet.cell(row=problem.row, column=column)
        cell.fill = RED
        text = f"{cell.comment.text}\n{problem.message}" if cell.comment else problem.message
        cell.comment = Comment(text, "qingji")
    buffer = BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _header_columns(worksheet: Worksheet) -> dict[str, int]:
    """Header text → column number, from the first 15 rows (the importer found the header there)."""
    columns: dict[str, int] = {}
    for row in worksheet.iter_rows(min_row=1, max_row=15):
        for cell in row:
            if isinstance(cell.value, str):
                columns.setdefault(normalise_header(cell.value), cell.column)
    return columns
