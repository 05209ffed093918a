"""The optional review sheet (案件评查): underlying matters re-examined, with grade and accountability."""

from pathlib import Path
from typing import IO, Any

from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from python_calamine import CalamineWorkbook

from qingji.accounts.models import User
from qingji.ledger.models import Case, MatterStage, UnderlyingMatter
from qingji.lib.problems import ProblemList
from qingji.lib.tabular import Column, read_table
from qingji.lib.values import cell_code, cell_text
from qingji.organisations.models import Org
from qingji.reviews.models import AccountabilityAction, AccountabilityKind, QualityReview

SHEET_NAMES = ("案件评查", "评查")
COLUMNS = [
    Column("ledger_no", "台账编号", required=True),
    Column("docket", "原案号", ("案号",), required=True),
    Column("stage", "案件类型", ("审级", "程序")),
    Column("org", "承办单位", ("原审法院",)),
    Column("grade", "评查等次", ("等次", "评查结果"), required=True),
    Column("findings", "存在问题"),
    Column("accountability", "责任追究", ("追责情况",)),
]
LABELS = {c.field: c.label for c in COLUMNS}
STAGES = {"一审": MatterStage.FIRST_INSTANCE, "二审": MatterStage.APPEAL, "再审": MatterStage.RETRIAL,
          "执行": MatterStage.ENFORCEMENT, "复查": MatterStage.REVIEW, "侦查": MatterStage.INVESTIGATION,
          "审查起诉": MatterStage.PROSECUTION_REVIEW, "其他": MatterStage.OTHER}
GRADES = {"一类": 1, "二类": 2, "三类": 3, "1": 1, "2": 2, "3": 3}
ACTIONS = {"行政警告": AccountabilityKind.WARNING, "通报批评": AccountabilityKind.NOTICE,
           "纪律处分": AccountabilityKind.DISCIPLINARY, "书面检查": AccountabilityKind.SELF_CRITICISM,
           "其他": AccountabilityKind.OTHER}


def review_sheet(source: Path | IO[bytes]) -> str | None:
    names = CalamineWorkbook.from_object(source).sheet_names
    return next((n for n in names if n.strip() in SHEET_NAMES), None)


def parse_reviews(source: Path | IO[bytes], name: str, sheet: str, ledger_numbers: set[str],
                  problems: ProblemList) -> list[dict[str, Any]]:
    table = read_table(source, name, COLUMNS, sheet=sheet)
    prefix = f"{sheet}："
    for label in table.missing:
        problems.add(table.header_row, prefix + label, "", _("This required column is missing."))
    if table.missing:
        return []
    orgs = {o.name: o for o in Org.objects.all()} | {o.code: o for o in Org.objects.all()}
    rows = []
    for number, raw in table.rows:
        parsed = _parse(number, raw, orgs, ledger_numbers, problems, prefix)
        if parsed is not None:
            rows.append(parsed)
    return rows


def _parse(number: int, raw: dict[str, Any], orgs: dict[str, Org], known: set[str], problems: ProblemList,
           prefix: str) -> dict[str, Any] | None:
    before = len(problems)
    ledger_no, docket = cell_code(raw.get("ledger_no")), cell_text(raw.get("docket"))
    if ledger_no not in known and not Case.objects.filter(ledger_no=ledger_no).exists():
        problems.add(number, prefix + LABELS["ledger_no"], ledger_no,
                     _("No case with this ledger number, neither in the ledger sheet nor in the ledger."))
    if not docket:
        problems.add(number, prefix + LABELS["docket"], "", _("The docket number is required."))
    stage_text = cell_code(raw.get("stage"))
    if stage_text and stage_text not in STAGES:
        problems.add(number, prefix + LABELS["stage"], stage_text,
                     _("Unknown stage; use 一审, 二审, 再审, 执行, 复查, 侦查, 审查起诉 or 其他."))
    org_text = cell_code(raw.get("org"))
    if org_text and org_text not in orgs:
        problems.add(number, prefix + LABELS["org"], org_text, _("Unknown unit: it is not in the organisation "
                                                                  "directory (by name or code)."))
    grade_text = cell_code(raw.get("grade"))
    if grade_text not in GRADES:
        problems.add(number, prefix + LABELS["grade"], grade_text, _("Use 一类, 二类 or 三类 (or 1, 2, 3)."))
    action = _action(cell_text(raw.get("accountability")))
    if action is False:
        problems.add(number, prefix + LABELS["accountability"], cell_text(raw.get("accountability")),
                     _("Write 否 for none, or the action taken (行政警告, 通报批评, 纪律处分, 书面检查, 其他) "
                       "and whom."))
    if len(problems) != before:
        return None
    return {"ledger_no": ledger_no, "docket": docket, "stage": STAGES.get(stage_text, ""),
            "org": orgs.get(org_text), "grade": GRADES[grade_text], "findings": cell_text(raw.get("findings")),
            "action": action}


def _action(text: str) -> tuple[str, str] | None | bool:
    """None for no accountability; (kind, whom); False when the text names no known action."""
    if text in ("", "否", "无"):
        return None
    for word, kind in ACTIONS.items():
        if word in text:
            return kind, text.replace(word, "").strip(" ：:，,、")
    return False


GRADE_LABELS = {1: "一类", 2: "二类", 3: "三类"}
ACTION_LABELS: dict[str, str] = {kind: word for word, kind in ACTIONS.items()}
STAGE_LABELS: dict[str, str] = {stage: word for word, stage in STAGES.items()}


def review_export_rows(cases: QuerySet[Case]) -> list[list[Any]]:
    """The review sheet's rows for the exported cases, in the import format."""
    reviews = (QualityReview.objects.filter(matter__case__in=cases.values("pk"))
               .select_related("matter__case", "matter__org").prefetch_related("actions")
               .order_by("matter__case__ledger_no", "matter__docket_number"))
    return [[r.matter.case.ledger_no, r.matter.docket_number, STAGE_LABELS.get(r.matter.stage, ""),
             r.matter.org.code if r.matter.org else "", GRADE_LABELS[r.grade], r.findings,
             "、".join(f"{ACTION_LABELS[a.kind]}{a.person}" for a in r.actions.all()) or "否"] for r in reviews]


def write_reviews(rows: list[dict[str, Any]], actor: User | None) -> None:
    """The sheet has no review date: a review of a concluded case counts from the day it was concluded
    (reviews are part of the work on a case), of an open case from the day of the import."""
    today = timezone.localdate()
    for row in rows:
        case = Case.objects.get(ledger_no=row["ledger_no"])
        matter, _created = UnderlyingMatter.objects.get_or_create(case=case, docket_number=row["docket"])
        if (matter.stage, matter.org) != (row["stage"], row["org"]):
            matter.stage, matter.org = row["stage"], row["org"]
            matter.save(update_fields=["stage", "org"])
        review = QualityReview.objects.filter(matter=matter).first()
        if review is None or (review.grade, review.findings) != (row["grade"], row["findings"]):
            review, _created = QualityReview.objects.update_or_create(
                matter=matter, defaults={"grade": row["grade"], "findings": row["findings"],
                                         "reviewer": actor,
                                         "reviewed_on": review.reviewed_on if review else case.closed_on or today})
        if row["action"] and not review.actions.filter(kind=row["action"][0], person=row["action"][1]).exists():
            AccountabilityAction.objects.create(review=review, kind=row["action"][0], person=row["action"][1])
