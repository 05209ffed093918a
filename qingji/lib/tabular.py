"""Read a table (xlsx, xlsm or csv) whose header row is somewhere near the top.

Workbooks (.xlsx, .xlsm) are streamed a row at a time with python-calamine-plus, a fork of
python-calamine that decodes rows straight from the compressed sheet, so memory stays flat at
any size (python-calamine itself loads the whole sheet first: ~234 MB for 100,000 rows x 27
columns); both are an order of magnitude faster than openpyxl. Old .xls files, which cannot be
streamed, are read whole with python-calamine. Headers are normalised (NFKC folds full-width characters;
spaces and line breaks removed) and matched through synonyms.
"""

import csv
import datetime as dt
import io
import unicodedata
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from operator import itemgetter
from pathlib import Path
from typing import IO, Any

from django.utils.translation import gettext as _
from python_calamine import CalamineWorkbook
from python_calamine_plus import CalamineWorkbook as StreamingWorkbook

HEADER_SEARCH_ROWS = 15
Cell = str | int | float | bool | dt.date | dt.datetime | dt.time | dt.timedelta | None


class TableError(Exception):
    """The file cannot be read as a table at all (wrong format, missing sheet, no header)."""


def normalise_header(text: Any) -> str:
    folded = unicodedata.normalize("NFKC", str(text or ""))
    return "".join(folded.split()).replace("*", "").strip()


@dataclass
class Column:
    field: str
    label: str
    synonyms: Sequence[str] = ()
    required: bool = False

    def names(self) -> set[str]:
        return {normalise_header(self.label), *(normalise_header(s) for s in self.synonyms)}


@dataclass
class Table:
    header_row: int
    columns: dict[str, int]
    labels: dict[str, str]
    ignored: list[str] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)
    rows: Iterator[tuple[int, dict[str, Cell]]] = field(default_factory=lambda: iter(()))


def _iter_sheet(source: Path | IO[bytes], name: str, sheet: str | None) -> Iterator[Sequence[Cell]]:
    streaming = not name.lower().endswith(".xls")
    try:
        workbook = (StreamingWorkbook if streaming else CalamineWorkbook).from_object(source)
    except Exception as exc:
        raise TableError(_("The file is not a readable Excel workbook: %(error)s") % {"error": exc})
    names = workbook.sheet_names
    if sheet is None:
        chosen = names[0]
    elif sheet in names:
        chosen = sheet
    else:
        raise TableError(
            _("The workbook has no sheet named “%(sheet)s” (it has: %(names)s).")
            % {"sheet": sheet, "names": "、".join(names)}
        )
    if isinstance(workbook, StreamingWorkbook):
        yield from workbook.stream_sheet_by_name(chosen)
    else:
        yield from workbook.get_sheet_by_name(chosen).iter_rows()


def _iter_csv(data: bytes) -> Iterator[Sequence[Cell]]:
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            text = data.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:
        raise TableError(_("The CSV file is neither UTF-8 nor GB18030 text."))
    yield from csv.reader(io.StringIO(text))


def iter_raw_rows(source: Path | IO[bytes], name: str, sheet: str | None = None) -> Iterator[Sequence[Cell]]:
    if name.lower().endswith(".csv"):
        data = source.read_bytes() if isinstance(source, Path) else source.read()
        return _iter_csv(data)
    if not name.lower().endswith((".xlsx", ".xlsm", ".xls")):
        raise TableError(_("Unsupported file type: use .xlsx, .xlsm or .csv."))
    return _iter_sheet(source, name, sheet)


def is_blank(value: Cell) -> bool:
    return value is None or value == "" or (isinstance(value, str) and not value.strip())


def read_table(
    source: Path | IO[bytes], name: str, columns: Sequence[Column], sheet: str | None = None,
    skip_fields: Sequence[str] = (),
) -> Table:
    """Find the header row, map columns and return the data rows as dictionaries.

    Rows come with the row number Excel shows (1-based). Blank rows, and rows whose
    only filled cells are in `skip_fields` (e.g. 序号), are skipped.
    """
    raw = iter_raw_rows(source, name, sheet)
    lookup = {alias: col for col in columns for alias in col.names()}
    for index, cells in enumerate(raw, start=1):
        matched = {normalise_header(c) for c in cells} & set(lookup)
        if len(matched) >= 2 or (len(matched) == 1 and len(columns) == 1):
            return _table_from_header(index, cells, columns, lookup, raw, set(skip_fields))
        if index >= HEADER_SEARCH_ROWS:
            break
    raise TableError(
        _("No header row found in the first %(n)d rows; expected columns such as %(names)s.")
        % {"n": HEADER_SEARCH_ROWS, "names": "、".join(c.label for c in columns if c.required) or columns[0].label}
    )


def _table_from_header(
    header_row: int, cells: Sequence[Cell], columns: Sequence[Column], lookup: dict[str, Column],
    raw: Iterator[Sequence[Cell]], skip_fields: set[str],
) -> Table:
    positions: dict[str, int] = {}
    labels: dict[str, str] = {}
    ignored: list[str] = []
    for position, cell in enumerate(cells):
        key = normalise_header(cell)
        if not key:
            continue
        col = lookup.get(key)
        if col is None or col.field in positions:
            ignored.append(str(cell).strip())
            continue
        positions[col.field] = position
        labels[col.field] = str(cell).strip()
    missing = [c.label for c in columns if c.required and c.field not in positions]

    fields, places = list(positions), list(positions.values())
    width = max(places, default=-1) + 1
    pick: Callable[[Sequence[Cell]], Sequence[Cell]]
    pick = itemgetter(*places) if len(places) > 1 else (lambda row: tuple(row[p] for p in places))
    checked = [i for i, f in enumerate(fields) if f not in skip_fields]

    def rows() -> Iterator[tuple[int, dict[str, Cell]]]:
        for number, row in enumerate(raw, start=header_row + 1):
            values = pick(row) if len(row) >= width else [row[p] if p < len(row) else None for p in places]
            if all(is_blank(values[i]) for i in checked):
                continue
            yield number, dict(zip(fields, values, strict=True))

    return Table(header_row, positions, labels, ignored, missing, rows())
