"""Small ledger workbooks written with openpyxl for the tests."""

from pathlib import Path
from typing import Any

import openpyxl

HEADER = ["序号", "台账编号", "信访人", "身份证号", "信访事项", "问题类别", "案件来源", "登记时间", "责任单位",
          "包案领导", "承办人", "化解方案", "办结期限", "进京访", "办理状态", "化解方式", "办结时间", "司法救助金额"]


def row(**values: Any) -> dict[str, Any]:
    base = {"序号": 1, "台账编号": "", "信访人": "王芳", "身份证号": "", "信访事项": "不服判决，要求再审",
            "问题类别": "民间借贷", "案件来源": "市委政法委交办", "登记时间": "2012-01-05", "责任单位": "QH-QY-FY",
            "包案领导": "陈家和(院长)", "承办人": "卫晓明、蒋红梅", "化解方案": "释法说理", "办结期限": "2012-06-30",
            "进京访": "", "办理状态": "未结未息", "化解方式": "", "办结时间": "", "司法救助金额": ""}
    base.update(values)
    return base


def write(path: Path, rows: list[dict[str, Any]], header: list[str] | None = None, title: bool = True) -> Path:
    header = header or HEADER
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    if title:
        sheet.append(["清河市涉法涉诉信访积案台账"])
        sheet.merge_cells(start_row=1, start_column=1, end_row=1, end_column=len(header))
        sheet.append(["填报日期：2012年4月30日"])
    sheet.append(header)
    for values in rows:
        sheet.append([values.get(h, "") for h in header])
    workbook.save(path)
    return path
