"""The demo city's closures, terminations, follow-ups and checks, made by the lifecycle's services.

The ledger's demo leaves each case meant to end closed in progress and lists it in PLANNED;
here each is closed the way a real one would be: the unit asks with the signed pledge, its
leader approves, the city committee accepts; a termination walks the chain of its unit's kind. Some are
left waiting (for the unit leader, the committee, the leading group), one settled case is
petitioned about again, and the committee checks a sample of one court's closures.
"""

import datetime as dt

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from qingji.accounts.models import User
from qingji.ledger import demo as ledger_demo
from qingji.ledger.models import Case, CaseStatus, SettlementMethod
from qingji.lifecycle.models import FollowUp
from qingji.lifecycle.services import (
    case_reopen,
    closure_request,
    follow_up_record,
    proceeding_decide,
    sample_check_draw,
    termination_propose,
)
from qingji.organisations.models import Org

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
NOTES = {
    SettlementMethod.WRITTEN_PLEDGE: "经包案领导多次接访、释法说理，信访人签署息诉罢访保证书。",
    SettlementMethod.OTHER: "经协调落实司法救助并依法处理，信访人表示不再上访。",
    "": "依法处理到位，但信访人仍表示要继续反映。",
}


def _evidence(name: str) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, PDF, content_type="application/pdf")


def load() -> None:
    today = timezone.localdate()
    accounts = {u.username: u for u in User.objects.filter(username__in=["committee", "committee_lead",
                                                                         "court_a_lead", "high_court"])}
    committee = accounts.get("committee")
    cases = Case.objects.in_bulk([pk for pk, *_ in ledger_demo.PLANNED])
    waiting_for_unit = True
    for pk, status, method, closed in ledger_demo.PLANNED:
        case = cases[pk]
        if method == SettlementMethod.TERMINATED:
            _terminate(case, closed, accounts.get("high_court"))
            continue
        proceeding = closure_request(
            actor=None, case=case, method=method or SettlementMethod.OTHER, concluded_on=closed - dt.timedelta(days=6),
            requested_on=closed - dt.timedelta(days=4), note=NOTES[method],
            evidence_files=[_evidence("息诉罢访保证书.pdf" if method == SettlementMethod.WRITTEN_PLEDGE
                                      else "处理决定书.pdf")])
        if status == CaseStatus.CLOSURE_REQUESTED and waiting_for_unit and case.handling_org.code == "QH-QY-FY":
            waiting_for_unit = False  # one left for 褚永强 (court_a_lead) to approve
            continue
        proceeding = proceeding_decide(actor=None, proceeding=proceeding, step="unit_leader", approve=True,
                                       decided_on=closed - dt.timedelta(days=2), opinion="情况属实，同意报结。")
        if status == CaseStatus.CLOSURE_REQUESTED:
            continue  # waiting for the committee
        proceeding_decide(actor=committee, proceeding=proceeding, step="committee", approve=True, decided_on=closed,
                          outcome="settled" if status == CaseStatus.CLOSED_SETTLED else "unsettled",
                          opinion="材料齐全，予以验收。")
    _follow_ups(today)
    _pending_termination(today)
    _rebound(today)
    _sample_check(today, committee)


OPINIONS = {
    "review_panel": "合议庭经审查认为符合终结条件。", "adjudication_committee": "审判委员会讨论决定同意终结。",
    "leading_group": "同意，报省高级人民法院审批。", "unit_review": "经局党委会研究，同意报请终结。",
    "committee_review": "经审查，同意报省委政法委审批。", "approving_body": "经审查，批准终结。",
}


def _terminate(case: Case, closed: dt.date, high_court: User | None) -> None:
    """The proposal walks the chain of its unit's kind (termination.chains); the high court's approval of a
    court's case is its account's, the other steps are entered as found (the demo has no account there)."""
    proceeding = termination_propose(
        actor=None, case=case, requested_on=closed - dt.timedelta(days=12), evidence_files=[_evidence("终结报告.pdf")],
        note="原审认定事实清楚、适用法律正确，已穷尽法律程序并进行公开听证，信访人诉求无理，申请依法终结。")
    codes = proceeding.step_codes
    for index, step in enumerate(codes):
        actor = high_court if step == "approving_body" and case.handling_org.kind == "court" else None
        proceeding = proceeding_decide(actor=actor, proceeding=proceeding, step=step, approve=True,
                                       decided_on=closed - dt.timedelta(days=3 * (len(codes) - 1 - index)),
                                       opinion=OPINIONS.get(step, "同意。"))


def _follow_ups(today: dt.date) -> None:
    """Visits due more than a week ago were made; most found the petitioner stable."""
    due = FollowUp.objects.filter(sample_check=None, done_on=None, due_on__lt=today - dt.timedelta(days=7))
    for index, visit in enumerate(due.select_related("case").order_by("due_on", "pk")):
        result, satisfaction = ("wavering", "fairly") if index % 7 == 3 else ("stable", "satisfied")
        follow_up_record(actor=None, follow_up=visit, done_on=visit.due_on, result=result, satisfaction=satisfaction,
                         visited_by="承办人、稳控责任人", note="电话回访并上门走访，信访人情绪稳定。")


def _pending_termination(today: dt.date) -> None:
    """Two proposals under way, each waiting at a step of its own unit's chain: a basic court's has passed the
    intermediate court's review panel and adjudication committee and waits for the leading group's head; the
    police's has passed the unit's own review and waits for the city committee's."""
    police_lead = User.objects.filter(username="police_lead").first()
    for unit, note, decided in (
            ("QH-HY-FY", "再审维持原判，信访人仍坚持无理诉求，申请依法终结。", 2),
            ("QH-GAJ", "不予立案决定经复议、复核维持，信访人诉求无事实依据，申请依法终结。", 1)):
        case = (Case.objects.filter(status=CaseStatus.IN_PROGRESS, handling_org__code=unit)
                .exclude(proceedings__state="pending").order_by("pk").first())
        if case is None:
            continue
        proceeding = termination_propose(actor=None, case=case, requested_on=today - dt.timedelta(days=6),
                                         evidence_files=[_evidence("终结报告.pdf")], note=note)
        for days, step in zip((4, 2), proceeding.step_codes[:decided], strict=False):
            actor = police_lead if step == "unit_review" else None
            proceeding = proceeding_decide(actor=actor, proceeding=proceeding, step=step, approve=True,
                                           decided_on=today - dt.timedelta(days=days),
                                           opinion=OPINIONS.get(step, "同意终结。"))


def _rebound(today: dt.date) -> None:
    case = (Case.objects.filter(status=CaseStatus.CLOSED_SETTLED, settlement_method=SettlementMethod.WRITTEN_PLEDGE,
                                closed_on__lt=today - dt.timedelta(days=10)).order_by("-closed_on", "pk").first())
    if case is not None:
        case_reopen(actor=None, case=case, petitioned_on=today - dt.timedelta(days=3), channel="赴省上访",
                    description="信访人以补偿款未足额到位为由，到省信访局上访。")


def _sample_check(today: dt.date, committee: User | None) -> None:
    unit = Org.objects.get(code="QH-QY-FY")
    if not Case.objects.filter(handling_org=unit, status__in=["closed_settled", "closed_unsettled"]).exists():
        return
    check = sample_check_draw(actor=committee, unit=unit, percent=50, seed=2026, due_on=today + dt.timedelta(days=14),
                              closed_by=today)
    for visit in check.items.order_by("pk")[:2]:
        follow_up_record(actor=committee, follow_up=visit, done_on=today, result="stable", satisfaction="satisfied",
                         visited_by="市委政法委执法监督科", note="抽查回访，信访人对处理结果表示满意。")
