"""Reading the organisation directory file into rows for `org_import`."""

from pathlib import Path
from typing import IO

from django.utils.translation import gettext as _

from qingji.lib.problems import InputRejected, ProblemList
from qingji.lib.tabular import Column, read_table
from qingji.lib.values import cell_code
from qingji.organisations.services import OrgRow

COLUMNS = [
    Column("code", "单位编码", ("编码",), required=True),
    Column("name", "单位名称", ("名称",), required=True),
    Column("kind", "单位类别", ("类别",), required=True),
    Column("level", "层级", ("级别",), required=True),
    Column("superior_code", "上级单位编码", ("上级编码",)),
    Column("region_code", "行政区划代码", ("区划代码",)),
]


def read_org_rows(source: Path | IO[bytes], name: str) -> list[OrgRow]:
    table = read_table(source, name, COLUMNS)
    if table.missing:
        problems = ProblemList()
        for label in table.missing:
            problems.add(table.header_row, label, "", _("This required column is missing."))
        raise InputRejected(problems)
    return [
        OrgRow(row=number, **{c.field: cell_code(values.get(c.field)) for c in COLUMNS})
        for number, values in table.rows
    ]
