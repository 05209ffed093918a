"""A minimal streaming .xlsx writer for large exports: rows go straight into the zip as sheet XML with inline
strings, so memory stays flat and each cell costs a string format rather than an object (openpyxl's
write-only mode builds a cell object per value and is several times slower at 100,000 rows).

It writes what exports need: text, numbers, booleans, dates and datetimes (as Excel dates), a bold title
row, and formula-like text as quote-prefixed text cells (see lib/spreadsheet.py: never evaluated, value
unchanged). Files open in Excel, WPS and LibreOffice and read back with openpyxl and python-calamine.
"""

import datetime as dt
import re
import zipfile
from collections.abc import Iterable
from decimal import Decimal
from pathlib import Path
from typing import IO, Any
from xml.sax.saxutils import escape, quoteattr

from qingji.lib.spreadsheet import is_formula_like

EPOCH = dt.date(1899, 12, 30)
# Characters XML 1.0 does not allow (openpyxl refuses them too): dropped.
ILLEGAL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")
DATE, QUOTED, TITLE, DATETIME = 1, 2, 3, 4  # cellXfs indexes in STYLES

MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
RELS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
STYLES = f"""<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<styleSheet xmlns="{MAIN}"><numFmts count="2"><numFmt numFmtId="164" formatCode="yyyy-mm-dd"/>\
<numFmt numFmtId="165" formatCode="yyyy-mm-dd hh:mm"/></numFmts>\
<fonts count="2"><font><sz val="11"/><name val="Calibri"/></font><font><b/><sz val="14"/><name val="Calibri"/></font>\
</fonts><fills count="2"><fill><patternFill patternType="none"/></fill><fill><patternFill patternType="gray125"/>\
</fill></fills><borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders>\
<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs><cellXfs count="5">\
<xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>\
<xf numFmtId="164" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>\
<xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0" quotePrefix="1"/>\
<xf numFmtId="0" fontId="1" fillId="0" borderId="0" xfId="0" applyFont="1"/>\
<xf numFmtId="165" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/></cellXfs>\
<cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles></styleSheet>"""


def column_letter(index: int) -> str:
    """0 → A, 25 → Z, 26 → AA."""
    letters = ""
    index += 1
    while index:
        index, remainder = divmod(index - 1, 26)
        letters = chr(65 + remainder) + letters
    return letters


class SheetWriter:
    def __init__(self, stream: IO[bytes]) -> None:
        self.stream = stream
        self.row = 0
        self.letters = [column_letter(i) for i in range(64)]
        stream.write(f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<worksheet xmlns="{MAIN}">'
                     f"<sheetData>".encode())

    def append(self, values: Iterable[Any], style: int = 0) -> None:
        self.row += 1
        row = self.row
        cells = []
        for index, value in enumerate(values):
            if value is None or value == "":
                continue
            ref = f"{self.letters[index] if index < 64 else column_letter(index)}{row}"
            cells.append(self._cell(ref, value, style))
        self.stream.write(f'<row r="{row}">{"".join(cells)}</row>'.encode())

    @staticmethod
    def _cell(ref: str, value: Any, style: int) -> str:
        styled = f' s="{style}"' if style else ""
        if isinstance(value, str):
            text = escape(ILLEGAL.sub("", value))
            if is_formula_like(value):
                styled = f' s="{QUOTED}"'
            return f'<c r="{ref}"{styled} t="inlineStr"><is><t xml:space="preserve">{text}</t></is></c>'
        if isinstance(value, bool):
            return f'<c r="{ref}"{styled} t="b"><v>{int(value)}</v></c>'
        if isinstance(value, int | float | Decimal):
            return f'<c r="{ref}"{styled}><v>{value}</v></c>'
        if isinstance(value, dt.datetime):
            delta = value.replace(tzinfo=None) - dt.datetime(1899, 12, 30)
            return f'<c r="{ref}" s="{DATETIME}"><v>{delta.days + delta.seconds / 86400}</v></c>'
        if isinstance(value, dt.date):
            return f'<c r="{ref}" s="{DATE}"><v>{(value - EPOCH).days}</v></c>'
        text = escape(ILLEGAL.sub("", str(value)))
        return f'<c r="{ref}"{styled} t="inlineStr"><is><t xml:space="preserve">{text}</t></is></c>'

    def close(self) -> None:
        self.stream.write(b"</sheetData></worksheet>")
        self.stream.close()


class StreamingWorkbook:
    """`with StreamingWorkbook(out) as book: sheet = book.add_sheet("台账"); sheet.append([...]); ...`
    Sheets are written one after the other: adding a sheet finishes the one before."""

    def __init__(self, out: Path | str | IO[bytes]) -> None:
        self.zip = zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=1)
        self.names: list[str] = []
        self.current: SheetWriter | None = None

    def add_sheet(self, name: str) -> SheetWriter:
        self._finish_sheet()
        self.names.append(name)
        stream = self.zip.open(f"xl/worksheets/sheet{len(self.names)}.xml", "w", force_zip64=True)
        self.current = SheetWriter(stream)
        return self.current

    def _finish_sheet(self) -> None:
        if self.current is not None:
            self.current.close()
            self.current = None

    def close(self) -> None:
        self._finish_sheet()
        sheets = "".join(f'<Override PartName="/xl/worksheets/sheet{i}.xml" ContentType="application/'
                         f'vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
                         for i in range(1, len(self.names) + 1))
        self.zip.writestr("[Content_Types].xml", f"""<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">\
<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>\
<Default Extension="xml" ContentType="application/xml"/>\
<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.\
sheet.main+xml"/><Override PartName="/xl/styles.xml" ContentType="application/vnd.openxmlformats-officedocument.\
spreadsheetml.styles+xml"/>{sheets}</Types>""")
        self.zip.writestr("_rels/.rels", f"""<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">\
<Relationship Id="rId1" Type="{RELS}/officeDocument" Target="xl/workbook.xml"/></Relationships>""")
        entries = "".join(f"<sheet name={quoteattr(name[:31])} sheetId=\"{i}\" r:id=\"rId{i}\"/>"
                          for i, name in enumerate(self.names, start=1))
        self.zip.writestr("xl/workbook.xml", f"""<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<workbook xmlns="{MAIN}" xmlns:r="{RELS}"><sheets>{entries}</sheets></workbook>""")
        links = "".join(f'<Relationship Id="rId{i}" Type="{RELS}/worksheet" Target="worksheets/sheet{i}.xml"/>'
                        for i in range(1, len(self.names) + 1))
        styles_id = len(self.names) + 1
        self.zip.writestr("xl/_rels/workbook.xml.rels", f"""<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">{links}\
<Relationship Id="rId{styles_id}" Type="{RELS}/styles" Target="styles.xml"/></Relationships>""")
        self.zip.writestr("xl/styles.xml", STYLES)
        self.zip.close()

    def __enter__(self) -> "StreamingWorkbook":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
