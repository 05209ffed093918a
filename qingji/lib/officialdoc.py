"""Documents in the official format of GB/T 9704-2012 (党政机关公文格式), built with python-docx.

A4; margins 37 mm top, 35 mm bottom, 28 mm left, 26 mm right; 22 lines of 28 characters;
body 仿宋_GB2312 三号 (16 pt); title 方正小标宋简体 二号 (22 pt); first-level headings 黑体,
second-level 楷体_GB2312; page numbers "— 1 —" in 宋体 四号, right on odd pages, left on even.

Fonts are named, not bundled: agencies install their official fonts. python-docx's `font.name`
sets only the Latin font, so the East Asian font is written into w:rFonts/@w:eastAsia
explicitly; where a font is missing, Word and LibreOffice fall back through their own
substitution (fontconfig aliases on Linux).
"""

from collections.abc import Sequence
from io import BytesIO

from docx import Document
from docx.enum.section import WD_SECTION
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_LINE_SPACING
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt
from docx.table import _Cell
from docx.text.paragraph import Paragraph
from docx.text.run import Run

BODY_FONT = "仿宋_GB2312"
TITLE_FONT = "方正小标宋简体"
HEADING1_FONT = "黑体"
HEADING2_FONT = "楷体_GB2312"
PAGE_NUMBER_FONT = "宋体"
LATIN_FONT = "Times New Roman"
BODY_SIZE = Pt(16)       # 三号
TITLE_SIZE = Pt(22)      # 二号
TABLE_SIZE = Pt(12)      # 小四, for tables beside the text
PAGE_NUMBER_SIZE = Pt(14)  # 四号
LINE_PITCH = Pt(28.95)   # 22 lines in the 225 mm type area


def set_run_font(run: Run, east_asian: str, size: Pt, bold: bool = False) -> None:
    run.font.name = LATIN_FONT
    run.font.size = size
    run.font.bold = bold
    fonts = run._element.get_or_add_rPr().get_or_add_rFonts()
    fonts.set(qn("w:eastAsia"), east_asian)
    fonts.set(qn("w:hint"), "eastAsia")


def _exact_spacing(paragraph: Paragraph) -> None:
    fmt = paragraph.paragraph_format
    fmt.line_spacing_rule = WD_LINE_SPACING.EXACTLY
    fmt.line_spacing = LINE_PITCH
    fmt.space_before = Pt(0)
    fmt.space_after = Pt(0)


def _page_number_field(paragraph: Paragraph) -> None:
    """— PAGE — as a field, so Word and LibreOffice fill in the number on every page."""
    def text(value: str) -> None:
        set_run_font(paragraph.add_run(value), PAGE_NUMBER_FONT, PAGE_NUMBER_SIZE)

    text("— ")
    for kind, instruction in (("begin", None), (None, " PAGE "), ("end", None)):
        run = paragraph.add_run()
        set_run_font(run, PAGE_NUMBER_FONT, PAGE_NUMBER_SIZE)
        if kind:
            element = OxmlElement("w:fldChar")
            element.set(qn("w:fldCharType"), kind)
        else:
            element = OxmlElement("w:instrText")
            element.set(qn("xml:space"), "preserve")
            element.text = instruction
        run._element.append(element)
    text(" —")


class OfficialDocument:
    """A document in the official format; add a title, headings, paragraphs and tables, then save."""

    def __init__(self) -> None:
        self.document = Document()
        self._setup_page()
        self._setup_styles()

    def _setup_page(self) -> None:
        section = self.document.sections[0]
        section.start_type = WD_SECTION.NEW_PAGE
        section.page_width, section.page_height = Mm(210), Mm(297)
        section.top_margin, section.bottom_margin = Mm(37), Mm(35)
        section.left_margin, section.right_margin = Mm(28), Mm(26)
        section.footer_distance = Mm(28) - Mm(7)  # page number 7 mm below the last line
        grid = section._sectPr.find(qn("w:docGrid"))
        if grid is None:
            grid = OxmlElement("w:docGrid")
            section._sectPr.append(grid)
        # A line grid of 22 lines; 16 pt characters in the 156 mm type area give the 28 per line
        # by themselves (a character grid would make Word and LibreOffice stretch mixed text).
        grid.set(qn("w:type"), "lines")
        grid.set(qn("w:linePitch"), str(round(LINE_PITCH.pt * 20)))
        self.document.settings.odd_and_even_pages_header_footer = True
        odd = section.footer.paragraphs[0]
        odd.alignment = WD_ALIGN_PARAGRAPH.RIGHT
        odd.paragraph_format.right_indent = Pt(BODY_SIZE.pt)  # 一字 from the edge
        _page_number_field(odd)
        even = section.even_page_footer.paragraphs[0]
        even.alignment = WD_ALIGN_PARAGRAPH.LEFT
        even.paragraph_format.left_indent = Pt(BODY_SIZE.pt)
        _page_number_field(even)

    def _setup_styles(self) -> None:
        normal = self.document.styles["Normal"]
        normal.font.name = LATIN_FONT
        normal.font.size = BODY_SIZE
        fonts = normal.element.get_or_add_rPr().get_or_add_rFonts()
        fonts.set(qn("w:eastAsia"), BODY_FONT)
        normal.paragraph_format.line_spacing_rule = WD_LINE_SPACING.EXACTLY
        normal.paragraph_format.line_spacing = LINE_PITCH
        normal.paragraph_format.space_after = Pt(0)

    def title(self, text: str) -> None:
        paragraph = self.document.add_paragraph()
        paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
        _exact_spacing(paragraph)
        paragraph.paragraph_format.line_spacing = Pt(35)
        set_run_font(paragraph.add_run(text), TITLE_FONT, TITLE_SIZE)
        self.blank()

    def subtitle(self, text: str) -> None:
        paragraph = self.document.add_paragraph()
        paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
        _exact_spacing(paragraph)
        set_run_font(paragraph.add_run(text), HEADING2_FONT, BODY_SIZE)

    def blank(self) -> None:
        _exact_spacing(self.document.add_paragraph())

    def heading(self, text: str, level: int = 1) -> None:
        paragraph = self.document.add_paragraph()
        _exact_spacing(paragraph)
        paragraph.paragraph_format.first_line_indent = Pt(BODY_SIZE.pt * 2)
        set_run_font(paragraph.add_run(text), HEADING1_FONT if level == 1 else HEADING2_FONT, BODY_SIZE)

    def paragraph(self, text: str, *, indent: bool = True, align: str = "justify") -> Paragraph:
        paragraph = self.document.add_paragraph()
        _exact_spacing(paragraph)
        if indent:
            paragraph.paragraph_format.first_line_indent = Pt(BODY_SIZE.pt * 2)
        paragraph.alignment = {"justify": WD_ALIGN_PARAGRAPH.JUSTIFY, "right": WD_ALIGN_PARAGRAPH.RIGHT,
                               "center": WD_ALIGN_PARAGRAPH.CENTER}[align]
        set_run_font(paragraph.add_run(text), BODY_FONT, BODY_SIZE)
        return paragraph

    def table(self, header: Sequence[str], rows: Sequence[Sequence[object]], caption: str = "") -> None:
        if caption:
            paragraph = self.document.add_paragraph()
            _exact_spacing(paragraph)
            paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
            paragraph.paragraph_format.keep_with_next = True  # a caption never ends a page apart from its table
            set_run_font(paragraph.add_run(caption), HEADING1_FONT, TABLE_SIZE)
        table = self.document.add_table(rows=1, cols=len(header))
        table.style = "Table Grid"
        table.alignment = WD_TABLE_ALIGNMENT.CENTER
        # The first column (a name) gets twice the width of each figure column.
        unit = Mm(156) // (len(header) + 1)
        for index, column in enumerate(table.columns):
            column.width = unit * 2 if index == 0 else unit
        for cell, text in zip(table.rows[0].cells, header, strict=True):
            self._cell(cell, text, bold=True)
        for values in rows:
            cells = table.add_row().cells
            for cell, value in zip(cells, values, strict=True):
                self._cell(cell, "" if value is None else str(value))
        for row in table.rows:
            for index, cell in enumerate(row.cells):
                cell.width = unit * 2 if index == 0 else unit
        self.blank()

    @staticmethod
    def _cell(cell: _Cell, text: str, bold: bool = False) -> None:
        paragraph = cell.paragraphs[0]
        paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
        paragraph.paragraph_format.line_spacing_rule = WD_LINE_SPACING.SINGLE
        set_run_font(paragraph.add_run(text), HEADING1_FONT if bold else BODY_FONT, TABLE_SIZE, bold=False)

    def signature(self, issuer: str, date_text: str) -> None:
        self.blank()
        self.paragraph(issuer, indent=False, align="right").paragraph_format.right_indent = Pt(BODY_SIZE.pt * 4)
        self.paragraph(date_text, indent=False, align="right").paragraph_format.right_indent = Pt(BODY_SIZE.pt * 4)

    def to_bytes(self) -> bytes:
        buffer = BytesIO()
        self.document.save(buffer)
        return buffer.getvalue()
