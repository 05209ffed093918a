"""The lifecycle in the JSON API: the same services and scope as the pages."""

import datetime as dt
from typing import Any

from ninja import Router, Schema, Status

from qingji.accounts.http import AuthedRequest
from qingji.ledger.models import Attachment, Case
from qingji.ledger.selectors import get_visible_case
from qingji.lifecycle import policy, selectors, services
from qingji.lifecycle.models import Proceeding
from qingji.web.views_helpers import require_capability

router = Router(tags=["lifecycle"])


class DecisionOut(Schema):
    step: str
    decision: str
    opinion: str
    decided_on: dt.date
    decided_by: str | None


class StepOut(Schema):
    code: str
    label: str
    decided_by: str
    unit: str | None  # the code of the deciding unit
    decider: str  # "合议庭意见 — 清河市中级人民法院"
    done: bool
    current: bool


class ProceedingOut(Schema):
    id: int
    case_id: int
    kind: str
    state: str
    steps: list[StepOut]
    current_step: str | None
    waiting_for: str | None
    exhausted: dict[str, str]
    method: str
    concluded_on: dt.date | None
    outcome: str
    requested_on: dt.date
    evidence: list[int]
    decisions: list[DecisionOut]


class ClosureIn(Schema):
    method: str
    concluded_on: dt.date
    note: str = ""
    evidence: list[int]  # ids of attachments already on the case


class ExhaustedIn(Schema):
    """三级终结: the references of the handling, review and re-review decisions."""

    handling: str = ""
    review: str = ""
    re_review: str = ""


class TerminationIn(Schema):
    note: str
    evidence: list[int] = []
    exhausted: ExhaustedIn | None = None


class DecisionIn(Schema):
    step: str
    approve: bool
    opinion: str = ""
    decided_on: dt.date | None = None
    outcome: str = "settled"


class ReopenIn(Schema):
    petitioned_on: dt.date
    description: str
    channel: str = ""


class FollowUpIn(Schema):
    done_on: dt.date
    result: str
    satisfaction: str = ""
    visited_by: str = ""
    note: str = ""


def _out(p: Proceeding) -> dict[str, Any]:
    rows = policy.step_rows(p)
    steps = [{"code": r["code"], "label": str(r["label"]), "decided_by": r["decided_by"],
              "unit": r["unit"].code if r["unit"] is not None else None, "decider": r["decider"],
              "done": r["done"], "current": r["current"]} for r in rows]
    return {
        "id": p.pk, "case_id": p.case_id, "kind": p.kind, "state": p.state, "steps": steps,
        "current_step": p.current_step, "waiting_for": policy.waiting_for(p, rows), "exhausted": p.exhausted,
        "method": p.method, "concluded_on": p.concluded_on, "outcome": p.outcome,
        "requested_on": p.requested_on, "evidence": [a.pk for a in p.evidence.all()],
        "decisions": [{"step": d.step, "decision": d.decision, "opinion": d.opinion, "decided_on": d.decided_on,
                       "decided_by": d.decided_by.username if d.decided_by else None} for d in p.decisions.all()],
    }


def _attachments(case: Case, ids: list[int]) -> list[Attachment]:
    return list(case.attachments.filter(pk__in=ids))


@router.get("/cases/{case_id}/proceedings", response=list[ProceedingOut],
            summary="Closure requests and termination proposals of a case")
def case_proceedings(request: AuthedRequest, case_id: int) -> list[dict[str, Any]]:
    return [_out(p) for p in selectors.proceedings_of(get_visible_case(request.user, case_id))]


@router.get("/approvals", response=list[ProceedingOut], summary="What waits for my decision")
def pending_approvals(request: AuthedRequest) -> list[dict[str, Any]]:
    require_capability(request, "case.view")
    return [_out(p) for p in selectors.pending_for(request.user)]


@router.post("/cases/{case_id}/closure", response={201: ProceedingOut}, summary="Request closure (报结)")
def request_closure(request: AuthedRequest, case_id: int, payload: ClosureIn) -> Status:
    case = get_visible_case(request.user, case_id)
    proceeding = services.closure_request(actor=request.user, case=case, method=payload.method,
                                          concluded_on=payload.concluded_on, note=payload.note,
                                          evidence=_attachments(case, payload.evidence))
    return Status(201, _out(proceeding))


@router.post("/cases/{case_id}/termination", response={201: ProceedingOut}, summary="Propose termination (终结)")
def propose_termination(request: AuthedRequest, case_id: int, payload: TerminationIn) -> Status:
    case = get_visible_case(request.user, case_id)
    proceeding = services.termination_propose(
        actor=request.user, case=case, note=payload.note, evidence=_attachments(case, payload.evidence),
        exhausted=payload.exhausted.model_dump() if payload.exhausted is not None else None)
    return Status(201, _out(proceeding))


@router.post("/proceedings/{proceeding_id}/decision", response=ProceedingOut,
             summary="Decide the current step (a step already decided by someone else is refused)")
def decide(request: AuthedRequest, proceeding_id: int, payload: DecisionIn) -> dict[str, Any]:
    proceeding = selectors.get_visible_proceeding(request.user, proceeding_id)
    decided = services.proceeding_decide(actor=request.user, proceeding=proceeding, step=payload.step,
                                         approve=payload.approve, opinion=payload.opinion,
                                         decided_on=payload.decided_on, outcome=payload.outcome)
    return _out(decided)


@router.post("/cases/{case_id}/reopening", response={201: dict}, summary="Record a new petition (重新上访)")
def reopen(request: AuthedRequest, case_id: int, payload: ReopenIn) -> Status:
    case = get_visible_case(request.user, case_id)
    reopening = services.case_reopen(actor=request.user, case=case, petitioned_on=payload.petitioned_on,
                                     description=payload.description, channel=payload.channel)
    return Status(201, {"id": reopening.pk, "closed_by": reopening.closed_by.code})


@router.post("/follow-ups/{follow_up_id}", response=dict, summary="Record a follow-up visit (回访)")
def record_follow_up(request: AuthedRequest, follow_up_id: int, payload: FollowUpIn) -> dict[str, Any]:
    visit = selectors.get_visible_follow_up(request.user, follow_up_id)
    visit = services.follow_up_record(actor=request.user, follow_up=visit, **payload.model_dump())
    return {"id": visit.pk, "case_id": visit.case_id, "done_on": visit.done_on, "result": visit.result}
