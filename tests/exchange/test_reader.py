"""The workbook reader (qingji.lib.tabular): .xlsx is streamed a row at a time by python-calamine-plus, and
must read every kind of cell as python-calamine (which loads the whole sheet) does."""

import datetime as dt
import io

import openpyxl
import pytest
from openpyxl.utils.datetime import CALENDAR_MAC_1904
from python_calamine import CalamineWorkbook

from qingji.exchange.columns import COLUMNS
from qingji.lib import tabular
from qingji.lib.tabular import TableError, iter_raw_rows, read_table
from qingji.lib.xlsxstream import StreamingWorkbook


def whole(path):
    """What python-calamine reads, the whole sheet at once."""
    workbook = CalamineWorkbook.from_path(str(path))
    return list(workbook.get_sheet_by_name(workbook.sheet_names[0]).iter_rows())


def trimmed(rows):
    """Rows without trailing blank cells: the streaming reader pads a row only as far as its own cells."""
    out = []
    for cells in rows:
        cells = list(cells)
        while cells and cells[-1] in ("", None):
            cells.pop()
        out.append([int(c) if isinstance(c, float) and c.is_integer() else c for c in cells])
    return out


@pytest.mark.parametrize("epoch", ["1900", "1904"])
def test_shared_strings_dates_numbers_and_merged_title_rows_read_as_python_calamine_reads_them(tmp_path, epoch):
    workbook = openpyxl.Workbook()  # openpyxl writes text as shared strings
    if epoch == "1904":
        workbook.epoch = CALENDAR_MAC_1904
    sheet = workbook.active
    sheet.append(["清河市涉法涉诉信访积案台账"])
    sheet.merge_cells("A1:F1")
    sheet.append([])
    sheet.append(["台账编号", "信访人", "登记时间", "办结时间", "群体人数", "进京访"])
    sheet.append(["X-1", "张三", dt.date(2012, 1, 16), dt.datetime(2012, 3, 1, 8, 30), 3, True])
    sheet.append(["X-2", "  李四  ", "2012-01-16", None, 1.5, False])
    sheet.append([None, "王芳", dt.date(1904, 1, 5), None, None, "是"])
    sheet["C7"] = 44000
    sheet["C7"].number_format = "yyyy-mm-dd"  # a date stored as a serial number, shown as a date
    sheet["E7"] = 44000  # the same number, not a date
    path = tmp_path / "l.xlsx"
    workbook.save(path)

    streamed = list(iter_raw_rows(path, path.name))
    assert trimmed(streamed) == trimmed(whole(path))
    assert streamed[3][2] == dt.date(2012, 1, 16)
    assert streamed[3][3] == dt.datetime(2012, 3, 1, 8, 30)
    assert streamed[5][2] == dt.date(1904, 1, 5)
    assert streamed[6][2] == (dt.date(2020, 6, 18) if epoch == "1900" else dt.date(2024, 6, 19))
    assert streamed[6][4] == 44000
    assert streamed[0][0] == "清河市涉法涉诉信访积案台账"


def test_inline_strings_as_qingjis_own_writer_makes_them(tmp_path):
    path = tmp_path / "l.xlsx"
    with StreamingWorkbook(path) as book:
        sheet = book.add_sheet("台账")
        sheet.append(["台账编号", "信访人", "登记时间", "司法救助金额"])
        sheet.append(["A-1", "=1+1 不是公式", dt.date(2012, 1, 5), 1500])
    rows = list(iter_raw_rows(path, path.name))
    assert trimmed(rows) == trimmed(whole(path))
    assert rows[1][:2] == ["A-1", "=1+1 不是公式"]
    assert rows[1][2] == dt.date(2012, 1, 5)


def test_a_table_keeps_excels_row_numbers_below_title_rows(tmp_path):
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(["标题"])
    sheet.merge_cells("A1:C1")
    sheet.append(["台账编号", "信访人", "信访事项"])
    sheet.append(["A-1", "张三", "再审"])
    sheet.append([])
    sheet.append(["A-2", "李四", "执行"])
    path = tmp_path / "l.xlsx"
    workbook.save(path)
    table = read_table(path, path.name, COLUMNS)
    assert table.header_row == 2
    assert [(n, r["ledger_no"]) for n, r in table.rows] == [(3, "A-1"), (5, "A-2")]


def test_an_xlsx_is_streamed_not_loaded_whole(tmp_path, monkeypatch):
    path = tmp_path / "l.xlsx"
    workbook = openpyxl.Workbook()
    workbook.active.append(["台账编号", "信访人"])
    workbook.save(path)

    class LoadedWhole:
        @staticmethod
        def from_object(*args, **kwargs):
            raise AssertionError("the sheet was loaded whole")

    monkeypatch.setattr(tabular, "CalamineWorkbook", LoadedWhole)
    assert list(iter_raw_rows(path, path.name)) == [["台账编号", "信访人"]]


def test_a_file_object_is_streamed_too(tmp_path):
    buffer = io.BytesIO()
    workbook = openpyxl.Workbook()
    workbook.active.append(["台账编号", "信访人"])
    workbook.active.append(["A-1", "张三"])
    workbook.save(buffer)
    buffer.seek(0)
    assert list(iter_raw_rows(buffer, "l.xlsx")) == [["台账编号", "信访人"], ["A-1", "张三"]]


def test_a_file_that_is_no_workbook_is_refused(tmp_path):
    path = tmp_path / "l.xlsx"
    path.write_bytes(b"not a zip")
    with pytest.raises(TableError):
        list(iter_raw_rows(path, path.name))
