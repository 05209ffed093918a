"""The responsibility breakdown table (工作包案责任分解表) as a workbook."""

from typing import TYPE_CHECKING

from django.db.models import QuerySet
from django.http import HttpResponse
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Alignment, Font

from qingji.audit.services import audit_log
from qingji.ledger.models import Case
from qingji.lib.spreadsheet import safe_row

if TYPE_CHECKING:
    from qingji.accounts.models import User

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def breakdown_headers() -> list[str]:
    return [_("Handling unit"), _("Ledger number"), _("Petitioner"), _("Petition matter"), _("Lead official"),
            _("Supervising official"), _("Handlers"), _("Watch officer"), _("Head of unit"), _("Plan"),
            _("Deadline"), _("Goal")]


def breakdown_row(case: Case) -> list[object]:
    r = getattr(case, "responsibility", None)
    names = "、".join(p.name for p in case.petitioners.all())
    if r is None:
        return [case.handling_org.name, case.ledger_no, names, case.summary, "", "", "", "", "", "", "", ""]
    return [case.handling_org.name, case.ledger_no, names, case.summary, str(r.lead_official or ""),
            str(r.supervising_official or ""), "、".join(str(h) for h in r.handlers.all()),
            str(r.watch_officer or ""), str(r.head_of_unit or ""), r.plan, r.deadline, r.goal]


def breakdown_workbook(user: "User", cases: QuerySet[Case]) -> HttpResponse:
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(_("Responsibility breakdown"))
    title = WriteOnlyCell(sheet, value=_("Responsibility breakdown of backlog petition cases"))
    title.font = Font(bold=True, size=14)
    sheet.append([title])
    header = []
    for text in breakdown_headers():
        cell = WriteOnlyCell(sheet, value=text)
        cell.font = Font(bold=True)
        cell.alignment = Alignment(wrap_text=True)
        header.append(cell)
    sheet.append(header)
    count = 0
    for case in cases.iterator(chunk_size=2000):
        sheet.append(safe_row(sheet, breakdown_row(case)))
        count += 1
    response = HttpResponse(content_type=XLSX)
    response["Content-Disposition"] = "attachment; filename=responsibility.xlsx"
    workbook.save(response)
    audit_log(actor=user, action="export.responsibility", object_type="case", object_repr=f"{count}")
    return response
