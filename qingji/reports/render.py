"""The summary rendered as the units' written summary (情况总结, .docx) and as a workbook (.xlsx).

The sentences carry the figures in the register of the units' own reports; every figure comes
from the one computation in reports.selectors.summary.
"""

import datetime as dt
from decimal import Decimal
from io import BytesIO
from typing import Any

from django.utils import formats, translation
from django.utils.translation import gettext as _
from django.utils.translation import pgettext
from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, Side
from openpyxl.utils import get_column_letter

from qingji.ledger.models import CASE_FLAGS, SettlementMethod, WorkKind, case_field_label
from qingji.lib.officialdoc import OfficialDocument
from qingji.lib.rates import percent_text
from qingji.reviews.models import Grade

METHOD_LABELS = {
    "written_pledge": lambda: _("the petitioner gave a written pledge to stop petitioning"),
    "terminated": lambda: _("termination was approved"),
    "other": lambda: _("concluded in another way"),
}


def long_date(value: str | dt.date) -> str:
    """The date as the documents write it: 2026年12月4日, December 4, 2026."""
    day = dt.date.fromisoformat(value) if isinstance(value, str) else value
    return formats.date_format(day, pgettext("long date format", "F j, Y"))


def scope_name(report: dict[str, Any]) -> str:
    return report["scope"]["org_name"] or _("All units")


def opening_sentence(report: dict[str, Any]) -> str:
    """截至…，…共排查涉法涉诉信访积案40件，已全部息诉罢访，息诉罢访率100%。"""
    figures = {"date": long_date(report["as_of"]), "scope": scope_name(report), "total": report["total"],
               "settled": report["settled"], "rate": percent_text(report["settlement_rate"])}
    if report["total"] and report["settled"] == report["total"]:
        return _("As of %(date)s, %(scope)s had found %(total)d backlog law- and litigation-related petition "
                 "cases, all of which are settled: a settlement rate of %(rate)s.") % figures
    return _("As of %(date)s, %(scope)s had found %(total)d backlog law- and litigation-related petition cases, "
             "of which %(settled)d are settled: a settlement rate of %(rate)s.") % figures


def methods_sentence(methods: dict[str, dict[str, Any]], all_settled: bool) -> str:
    parts = []
    for method in SettlementMethod.values:
        figures = methods[method]
        if not figures["count"]:
            continue
        parts.append(_("in %(count)d cases %(how)s, %(share)s of the %(whole)s") % {
            "count": figures["count"], "how": METHOD_LABELS[method](), "share": percent_text(figures["share"]),
            "whole": _("total") if all_settled else _("settled cases")})
    return _("Of these, %(parts)s.") % {"parts": _("; ").join(parts)} if parts else ""


def closure_sentence(report: dict[str, Any]) -> str:
    """已结案38件，结案率95%。结案后重新上访（反弹）1件，占结案数的2.6%。"""
    if not report["total"]:
        return ""
    text = _("%(concluded)d cases are concluded (closed, whether settled or not): a closure rate of %(rate)s.") % {
        "concluded": report["concluded"], "rate": percent_text(report["closure_rate"])}
    rebound = report["rebound"]
    if rebound["cases"]:
        return text + _("After closure, %(cases)d cases were petitioned about again (rebounds), %(rate)s of the "
                        "concluded cases.") % {"cases": rebound["cases"], "rate": percent_text(rebound["rate"])}
    return text + _("No concluded case was petitioned about again.") if report["concluded"] else text


def flag_label(flag: str) -> str:
    return str(case_field_label(flag))


def flags_sentence(flags: dict[str, int]) -> str:
    """其中，进京访1件，三跨三分离4件。"""
    parts = [_("%(label)s: %(count)d") % {"label": flag_label(f), "count": flags[f]} for f in CASE_FLAGS if flags[f]]
    return _("Among the cases, %(parts)s.") % {"parts": _("; ").join(parts)} if parts else ""


def summary_docx(report: dict[str, Any], title: str | None = None) -> bytes:
    doc = OfficialDocument()
    doc.title(title or _("Summary of the work of clearing backlog law- and litigation-related petition cases "
                         "of %(scope)s") % {"scope": scope_name(report)})
    all_settled = bool(report["total"]) and report["settled"] == report["total"]
    doc.paragraph(opening_sentence(report) + methods_sentence(report["settled_by_method"], all_settled))
    status = report["status"]
    doc.paragraph(_("Closed and settled: %(settled)d; closed but not settled: %(unsettled)d; not yet concluded: "
                    "%(open)d.") % {"settled": status["closed_settled"], "unsettled": status["closed_unsettled"],
                                    "open": status["open"]})
    doc.paragraph(closure_sentence(report) + flags_sentence(report["flags"]))
    _sources_part(doc, report)
    _units_part(doc, report)
    _aid_and_reviews_part(doc, report)
    _work_part(doc, report)
    doc.signature(scope_name(report), long_date(report["as_of"]))
    return doc.to_bytes()


def _sources_part(doc: OfficialDocument, report: dict[str, Any]) -> None:
    if not report["by_source"]:
        return
    doc.heading(_("I. By source and by category"))
    for index, row in enumerate(report["by_source"], start=1):
        row_all_settled = row["settled"] == row["total"]
        text = _("(%(n)s) %(label)s: %(total)d cases, %(key)d of them under key supervision; %(settled)d settled, "
                 "a settlement rate of %(rate)s.") % {
            "n": _number(index), "label": row["label"], "total": row["total"], "key": row["key_supervision"],
            "settled": row["settled"], "rate": percent_text(row["settlement_rate"])}
        doc.paragraph(text + methods_sentence(row["settled_by_method"], row_all_settled))
    doc.table([_("Source"), _("Cases"), _("Key supervision"), _("Settled"), _("Settlement rate")],
              [[r["label"], r["total"], r["key_supervision"], r["settled"], percent_text(r["settlement_rate"])]
               for r in report["by_source"]], caption=_("Settlement by source"))
    doc.table([_("Category"), _("Cases"), _("Settled"), _("Settlement rate")],
              [[r["label"], r["total"], r["settled"], percent_text(r["settlement_rate"])]
               for r in report["by_category"]], caption=_("Settlement by category"))


def _units_part(doc: OfficialDocument, report: dict[str, Any]) -> None:
    if not report["by_org"]:
        return
    doc.heading(_("II. By handling unit"))
    overdue = sum(r["overdue"] for r in report["by_org"])
    doc.paragraph(_("%(units)d units handle these cases; %(overdue)d open cases are past their deadline.")
                  % {"units": len(report["by_org"]), "overdue": overdue})
    doc.table([_("Unit"), _("Cases"), _("Settled"), _("Settlement rate"), _("Overdue"), _("Rebound")],
              [[r["name"], r["total"], r["settled"], percent_text(r["settlement_rate"]), r["overdue"], r["rebound"]]
               for r in report["by_org"]], caption=_("Settlement by handling unit"))


def _aid_and_reviews_part(doc: OfficialDocument, report: dict[str, Any]) -> None:
    aid, reviews = report["aid"], report["reviews"]
    doc.heading(_("III. Judicial aid and file reviews"))
    if aid["cases"]:
        doc.paragraph(_("Judicial aid of %(amount)s yuan was paid to the petitioners of %(cases)d cases.")
                      % {"amount": formats.number_format(aid["amount"], 2, force_grouping=True),
                         "cases": aid["cases"]})
    if reviews["matters"]:
        grades = reviews["grades"]
        doc.paragraph(_("%(matters)d underlying matters were reviewed: %(g1)d of grade 1 (%(s1)s), %(g2)d of grade "
                        "2 (%(s2)s) and %(g3)d of grade 3 (%(s3)s). Staff were held accountable in %(acc)d matters, "
                        "%(acc_share)s of those reviewed.") % {
            "matters": reviews["matters"], "g1": grades["1"]["count"], "s1": percent_text(grades["1"]["share"]),
            "g2": grades["2"]["count"], "s2": percent_text(grades["2"]["share"]), "g3": grades["3"]["count"],
            "s3": percent_text(grades["3"]["share"]), "acc": reviews["accountability"]["matters"],
            "acc_share": percent_text(reviews["accountability"]["share"])})
    if not aid["cases"] and not reviews["matters"]:
        doc.paragraph(_("No judicial aid was paid and no file was reviewed in this period."))


def _work_part(doc: OfficialDocument, report: dict[str, Any]) -> None:
    work, terminations = report["work_by_kind"], report["terminations"]
    if not any(work.values()) and not terminations["proposed"]:
        return
    doc.heading(_("IV. Work done and terminations"))
    parts = [_("%(kind)s %(count)d times") % {"kind": WorkKind(kind).label, "count": n}
             for kind, n in work.items() if n]
    if parts:
        doc.paragraph(_("The units recorded this work: %(parts)s.") % {"parts": _("; ").join(parts)})
    if terminations["proposed"]:
        doc.paragraph(_("%(proposed)d cases were proposed for termination and %(approved)d approved; %(returned)d "
                        "were returned and %(pending)d await a decision.") % terminations)


CHINESE_NUMERALS = "一二三四五六七八九十"


def _number(index: int) -> str:
    """(一), (二)… in Chinese documents; (1), (2)… in English ones."""
    if translation.get_language().startswith("zh") and index <= len(CHINESE_NUMERALS):
        return CHINESE_NUMERALS[index - 1]
    return str(index)


def summary_xlsx(report: dict[str, Any]) -> bytes:
    """One sheet per breakdown, formatted for printing on A4; counts, amounts and rates are numbers (a rate
    with a percent format)."""
    workbook = Workbook()
    workbook.remove(workbook.worksheets[0])  # the empty sheet a new workbook has
    title = _("Summary of %(scope)s as of %(date)s") % {"scope": scope_name(report), "date": report["as_of"]}
    methods, rebound = report["settled_by_method"], report["rebound"]
    _sheet(workbook, _("Overview"), title, [_("Item"), _("Count"), _("Share")], [
        [_("Cases"), report["total"], None], [_("Settled"), report["settled"], _percent(report["settlement_rate"])],
        [_("Not yet concluded"), report["status"]["open"], None],
        [_("Closed, not settled"), report["status"]["closed_unsettled"], None],
        *[[str(SettlementMethod(m).label), methods[m]["count"], _percent(methods[m]["share"])]
          for m in SettlementMethod.values],
        [_("Concluded"), report["concluded"], _percent(report["closure_rate"])],
        [_("Rebound"), rebound["cases"], _percent(rebound["rate"])],
    ], percent=(3,))
    _sheet(workbook, _("By source"), title,
           [_("Source"), _("Cases"), _("Key supervision"), _("Settled"), _("Settlement rate"),
            *[str(SettlementMethod(m).label) for m in SettlementMethod.values]],
           [[r["label"], r["total"], r["key_supervision"], r["settled"], _percent(r["settlement_rate"]),
             *[r["settled_by_method"][m]["count"] for m in SettlementMethod.values]] for r in report["by_source"]],
           percent=(5,))
    _sheet(workbook, _("By category"), title, [_("Category"), _("Cases"), _("Settled"), _("Settlement rate")],
           [[r["label"], r["total"], r["settled"], _percent(r["settlement_rate"])] for r in report["by_category"]],
           percent=(4,))
    _sheet(workbook, _("By unit"), title,
           [_("Unit code"), _("Unit"), _("Cases"), _("Settled"), _("Settlement rate"), _("Overdue"), _("Rebound")],
           [[r["org"], r["name"], r["total"], r["settled"], _percent(r["settlement_rate"]), r["overdue"],
             r["rebound"]] for r in report["by_org"]], percent=(5,))
    _sheet(workbook, _("Flags"), title, [_("Flag"), _("Cases")],
           [[flag_label(f), report["flags"][f]] for f in CASE_FLAGS])
    _sheet(workbook, _("Judicial aid"), title, [_("Cases"), _("Amount (yuan)")],
           [[report["aid"]["cases"], float(report["aid"]["amount"])]])
    grades = report["reviews"]["grades"]
    _sheet(workbook, _("File reviews"), title, [_("Grade"), _("Matters"), _("Share")], [
        *[[str(Grade(int(g)).label), grades[g]["count"], _percent(grades[g]["share"])] for g in ("1", "2", "3")],
        [_("Held accountable"), report["reviews"]["accountability"]["matters"],
         _percent(report["reviews"]["accountability"]["share"])],
    ], percent=(3,))
    terminations = report["terminations"]
    _sheet(workbook, _("Terminations"), title, [_("Item"), _("Count")], [
        [_("Proposed for termination"), terminations["proposed"]],
        [_("Termination approved"), terminations["approved"]], [_("Proposals returned"), terminations["returned"]],
        [_("Proposals awaiting a decision"), terminations["pending"]]])
    _sheet(workbook, _("Work"), title, [_("Kind of work"), _("Entries")],
           [[str(WorkKind(kind).label), n] for kind, n in report["work_by_kind"].items()])
    buffer = BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _percent(value: str | None) -> float | None:
    """A rate ("37.5") as the workbook's number (0.375, shown as 37.5% by the cell's format); None stays blank."""
    return None if value is None else float(Decimal(value) / 100)


def _sheet(workbook: Workbook, name: str, title: str, header: list[str], rows: list[list[Any]],
           percent: tuple[int, ...] = ()) -> None:
    """A titled, bordered table; the columns numbered in `percent` (from 1) hold rates."""
    sheet = workbook.create_sheet(name[:31])
    sheet.append([title])
    sheet["A1"].font = Font(bold=True, size=14)
    sheet.append(header)
    thin = Side(style="thin")
    for cell in sheet[2]:
        cell.font = Font(bold=True)
        cell.alignment = Alignment(horizontal="center", wrap_text=True)
    for row in rows:
        sheet.append(row)
    for column in percent:
        for (cell,) in sheet.iter_rows(min_row=3, min_col=column, max_col=column):
            cell.number_format = "0.0%"
    for row in sheet.iter_rows(min_row=2, max_row=sheet.max_row):
        for cell in row:
            cell.border = Border(left=thin, right=thin, top=thin, bottom=thin)
    for index, text in enumerate(header, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = max(10, min(40, len(str(text)) * 2 + 4))
    sheet.page_setup.paperSize = sheet.PAPERSIZE_A4
    sheet.page_setup.orientation = "landscape"
    sheet.page_setup.fitToWidth = 1
    sheet.page_setup.fitToHeight = 0
    sheet.sheet_properties.pageSetUpPr.fitToPage = True
    sheet.print_title_rows = "1:2"
