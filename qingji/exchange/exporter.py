"""Exporting the ledger in the same workbook format it is imported in, streamed row by row
(openpyxl write-only), with ID numbers and phones masked and formula-like text neutralised."""

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import IO, Any

from django.db.models import QuerySet, Sum
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font

from qingji.exchange.columns import COLUMNS, FLAG_COLUMNS, GENDERS, METHODS, SOURCES, STAGES, label_of
from qingji.exchange.reviews import COLUMNS as REVIEW_COLUMNS
from qingji.exchange.reviews import review_export_rows
from qingji.ledger.models import OPEN_STATUSES, Case, CaseStatus
from qingji.lib.pii import mask_id_number, mask_phone
from qingji.lib.spreadsheet import safe_row

EXPORTED = [c for c in COLUMNS if c.field != "seq"]
STATUS_LABELS = {CaseStatus.CLOSED_SETTLED: "已结已息", CaseStatus.CLOSED_UNSETTLED: "已结未息"}


def _official(person) -> str:  # type: ignore[no-untyped-def]
    if person is None:
        return ""
    return f"{person.name}({person.title})" if person.title else person.name


def case_row(case: Case, aid_total: Any, full_pii: bool) -> list[Any]:
    petitioners = list(case.petitioners.all())
    first = petitioners[0] if petitioners else None
    r = getattr(case, "responsibility", None) if hasattr(case, "responsibility") else None
    values = {
        "ledger_no": case.ledger_no, "petitioner": "、".join(p.name for p in petitioners),
        "gender": label_of(GENDERS, first.gender) if first else "",
        "id_number": (first.id_number if full_pii else mask_id_number(first.id_number)) if first else "",
        "phone": (first.phone if full_pii else mask_phone(first.phone)) if first else "",
        "address": first.address if first else "", "group_size": first.group_size if first else 1,
        "summary": case.summary, "category": case.category.name if case.category_id else "",
        "stage": label_of(STAGES, case.stage), "dockets": "、".join(m.docket_number for m in case.matters.all()),
        "first_petitioned_on": case.first_petitioned_on, "source": label_of(SOURCES, case.source),
        "assigned_on": case.assigned_on, "registered_on": case.registered_on,
        "key_supervision": case.key_supervision, "handling_org": case.handling_org.code,
        "lead_official": _official(r.lead_official) if r else "",
        "supervising_official": _official(r.supervising_official) if r else "",
        "handlers": "、".join(_official(h) for h in r.handlers.all()) if r else "",
        "watch_officer": _official(r.watch_officer) if r else "", "plan": r.plan if r else "",
        "deadline": case.deadline,
        **{flag: "是" if getattr(case, flag) else "" for flag in FLAG_COLUMNS},
        "status": "未结未息" if case.status in OPEN_STATUSES else STATUS_LABELS[case.status],
        "method": label_of(METHODS, case.settlement_method), "closed_on": case.closed_on,
        "aid": aid_total or "", "note": case.note,
    }
    return [values[c.field] for c in EXPORTED]


def export_cases(cases: QuerySet[Case], out: Path | IO[bytes], *, title: str, full_pii: bool = False,
                 progress: Callable[[int], None] | None = None, progress_every: int = 1000) -> int:
    """Write the cases to `out`; returns the number of rows. `progress` is called with the rows written so
    far every `progress_every` rows."""
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("台账")
    heading = WriteOnlyCell(sheet, value=title)
    heading.font = Font(bold=True, size=14)
    sheet.append([heading])
    sheet.append([c.label for c in EXPORTED])
    count = 0
    for case, aid in _rows(cases):
        sheet.append(safe_row(sheet, case_row(case, aid, full_pii)))
        count += 1
        if progress is not None and count % progress_every == 0:
            progress(count)
    reviews = review_export_rows(cases)
    if reviews:
        review_sheet = workbook.create_sheet("案件评查")
        review_sheet.append([c.label for c in REVIEW_COLUMNS])
        for values in reviews:
            review_sheet.append(safe_row(review_sheet, values))
    workbook.save(out)
    return count


def _rows(cases: QuerySet[Case]) -> Iterator[tuple[Case, Any]]:
    queryset = (cases.select_related("handling_org", "category", "responsibility__lead_official",
                                     "responsibility__supervising_official", "responsibility__watch_officer")
                .prefetch_related("petitioners", "matters", "responsibility__handlers")
                .annotate(aid_total=Sum("aid__amount")).order_by("handling_org__code", "ledger_no"))
    for case in queryset.iterator(chunk_size=2000):
        yield case, case.aid_total


def export_title(org_name: str) -> str:
    return _("%(org)s backlog law- and litigation-related petition case ledger") % {"org": org_name}
