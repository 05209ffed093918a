"""Who decides each step of a closure or a termination, read from the local rules; and who may do each
action of the lifecycle to a case now.

The rules (qingji.rules, ../shared/spec/local-rules.md) are those in force for the case's handling unit:
`closure.steps`, `termination.chains` (the chain of the unit's kind: each step `{code, decided_by}`),
`termination.requires`, `termination.counts_as_settled` and `follow_up.months`. A proposal resolves each
step's `decided_by` to the unit that decides it (qingji/lifecycle/chains.py) and keeps those steps: a rule
changed later does not re-route it. `check_decider` is the one answer to "may this user decide this step":
the services, the case page's buttons, the approvals list and the API all ask it.

Each action has one check (`check_closure_request`, …; qingji/lib/checks.py): scope, role and the state of
the case or request. The service calls it and refuses with its reason; the case page shows a button exactly
when `allowed(check, …)`. `user=None` is the system (imports, the demo, commands): only the state and the
chain are checked, not the role, nor the preconditions of a termination (it records what was decided
elsewhere).
"""

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.utils.functional import Promise
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from qingji.accounts.roles import has_capability
from qingji.ledger.models import CLOSED_STATUSES, Case, CaseStatus, SettlementMethod, WorkKind
from qingji.lifecycle import chains
from qingji.lifecycle.models import FollowUp, Proceeding, ProceedingKind, ProceedingState
from qingji.organisations.models import Official, Org, OrgKind
from qingji.organisations.selectors import visible_orgs
from qingji.rules.selectors import RuleBook

if TYPE_CHECKING:
    from qingji.accounts.models import User


@dataclass(frozen=True)
class Step:
    name: str
    label: str | Promise  # what the step is, e.g. 单位领导审批
    actor: str | Promise  # who acts, in general, e.g. 单位领导
    capability: str  # the role it takes at a deciding unit that is not a committee
    committee_capability: str  # … at a deciding unit that is a committee


STEPS: dict[str, Step] = {s.name: s for s in (
    Step("unit_leader", _("Unit leader's approval"), _("Leader of the handling unit"), "closure.approve",
         "lifecycle.lead_committee"),
    Step("committee", _("Committee acceptance"), _("Supervising committee"), "closure.accept", "closure.accept"),
    Step("review_panel", _("Review panel opinion"), _("Termination review panel"), "termination.review_panel",
         "lifecycle.lead_committee"),
    Step("adjudication_committee", _("Adjudication committee decision"), _("Adjudication committee"),
         "termination.adjudication", "lifecycle.lead_committee"),
    Step("leading_group", _("Leading group head's sign-off"), _("Head of the leading group"),
         "termination.sign_off", "lifecycle.lead_committee"),
    Step("approving_body", _("Approval by the approving body"), _("Approving body"), "termination.approve",
         "termination.approve_committee"),
    Step("unit_review", _("Unit leader's review"), _("Leader of the handling unit"), "termination.unit_review",
         "lifecycle.lead_committee"),
    Step("committee_review", _("Supervising committee's review"), _("Supervising committee"),
         "termination.unit_review", "termination.committee_review"),
)}

# termination.requires: what the record must show, and what a refusal says is missing.
PRECONDITIONS: dict[str, str | Promise] = {
    "responsibility": _("no leader in charge of the case (包案领导) in its responsibility"),
    "hearing": _("no public hearing in the work log"),
    "review": _("no underlying matter of the case has been reviewed (评查)"),
    "exhausted": _("no references of the handling, review and re-review decisions (三级终结)"),
}
EXHAUSTED_PARTS = ("handling", "review", "re_review")


# ---------------------------------------------------------------- the rules of the case's unit

def _book(book: RuleBook | None) -> RuleBook:
    return book if book is not None else RuleBook()


def termination_counts_as_settled(org: Org, book: RuleBook | None = None) -> bool:
    return bool(_book(book).value("termination.counts_as_settled", org))


def follow_up_months(org: Org, book: RuleBook | None = None) -> list[int]:
    return [int(m) for m in _book(book).value("follow_up.months", org)]


def termination_requires(org: Org, book: RuleBook | None = None) -> list[str]:
    return [str(code) for code in _book(book).value("termination.requires", org)]


def termination_chain_rule(org: Org, book: RuleBook | None = None) -> list[dict[str, str]]:
    """The chain of `termination.chains` for the unit's kind (a committee's own case: the `other` chain)."""
    found: Mapping[str, list[dict[str, str]]] = _book(book).value("termination.chains", org)
    return list(found.get(org.kind) or found.get(OrgKind.OTHER) or [])


def closure_steps_rule(org: Org, book: RuleBook | None = None) -> list[dict[str, str]]:
    return [{"code": code, "decided_by": chains.CLOSURE_DECIDERS[code]}
            for code in _book(book).value("closure.steps", org)]


def _resolved(case: Case, steps: list[dict[str, str]]) -> list[dict[str, Any]]:
    """The steps with their deciding units, or a ValidationError naming each step that has none."""
    org = case.handling_org
    resolved, missing = chains.resolve_steps(steps, org, chains.holders(org))
    if missing:
        raise ValidationError(gettext(
            "No unit can be found to decide %(steps)s for a case of %(unit)s; the rules name %(deciders)s. "
            "Ask whoever sets the local rules of the unit to correct them.") % {
            "steps": ", ".join(str(STEPS[s["code"]].label) for s in missing), "unit": org.name,
            "deciders": ", ".join(s["decided_by"] for s in missing)})
    return resolved


def closure_steps(case: Case, book: RuleBook | None = None) -> list[dict[str, Any]]:
    """The steps a closure request of this case goes through, each with its deciding unit."""
    return _resolved(case, closure_steps_rule(case.handling_org, book))


def termination_steps(case: Case, book: RuleBook | None = None) -> list[dict[str, Any]]:
    """The steps a termination proposal of this case goes through, each with its deciding unit."""
    return _resolved(case, termination_chain_rule(case.handling_org, book))


def missing_preconditions(case: Case, exhausted: Mapping[str, str] | None,
                          book: RuleBook | None = None) -> list[str]:
    """What `termination.requires` wants and the record lacks, as the phrases a refusal lists. `exhausted` is
    what the proposer gives for 三级终结 (None: not asked yet, as for the button, which cannot know it)."""
    from qingji.reviews.models import QualityReview

    missing = []
    for code in termination_requires(case.handling_org, book):
        if code == "responsibility":
            present = Case.objects.filter(pk=case.pk, responsibility__lead_official__isnull=False).exists()
        elif code == "hearing":
            present = case.work_log.filter(kind=WorkKind.HEARING).exists()
        elif code == "review":
            present = QualityReview.objects.filter(matter__case=case).exists()
        elif code == "exhausted":
            present = exhausted is None or exhausted_given(exhausted)
        else:
            continue
        if not present:
            missing.append(str(PRECONDITIONS[code]))
    return missing


def exhausted_given(exhausted: Mapping[str, str]) -> bool:
    return all(str(exhausted.get(part) or "").strip() for part in EXHAUSTED_PARTS)


# ---------------------------------------------------------------- who decides a step

def _units(ids: Sequence[int]) -> dict[int, Org]:
    return Org.objects.in_bulk(list(ids))


def leading_group_head(case: Case) -> Official | None:
    from qingji.campaigns.selectors import leading_group_head as head_of

    return head_of(case)


def check_decider(user: "User", step: Mapping[str, Any], case: Case) -> None:
    """Whether `user` decides this step of a proceeding of `case` (the role part; scope, state and four eyes
    are `check_proceeding_decide`'s). The step is decided at its unit, by a member of that unit whose role
    the step takes there; a `leading_group` step of a case in a campaign whose leading group has a head, by
    that head's own account only."""
    code = str(step["code"])
    if code == "leading_group":
        head = leading_group_head(case)
        if head is not None:
            if head.account_id is None or head.account_id != user.pk:
                raise PermissionDenied(gettext("%(name)s, head of the campaign's leading group, signs this step.")
                                       % {"name": head.name})
            if not has_capability(user, "termination.sign_off_head"):
                raise PermissionDenied(gettext("Your role does not allow this."))
            return
    if user.org_id is None or user.org_id != step.get("unit"):
        unit = Org.objects.filter(pk=int(step.get("unit") or 0)).values_list("name", flat=True).first()
        raise PermissionDenied(gettext("This step is decided at %(unit)s.") % {"unit": unit or "?"})
    spec = STEPS[code]
    org = user.org
    capability = spec.committee_capability if org is not None and org.is_committee else spec.capability
    if not has_capability(user, capability):
        raise PermissionDenied(gettext("Your role does not allow you to decide this step."))


def could_decide(user: "User") -> bool:
    """Whether the user's role decides some step at a unit like theirs, or they head a leading group: whether
    the dashboard offers the approvals panel."""
    org = user.org
    if org is None:
        return False
    if any(has_capability(user, s.committee_capability if org.is_committee else s.capability)
           for s in STEPS.values()):
        return True
    from qingji.campaigns.models import GroupRole, LeadingGroupMember

    return LeadingGroupMember.objects.filter(role=GroupRole.HEAD, official__account=user).exists()


def step_rows(proceeding: Proceeding, case: Case | None = None) -> list[dict[str, Any]]:
    """Each step of the proceeding with who decides it: label, deciding unit, `decider` (e.g. "合议庭意见 —
    清河市中级人民法院"), done / current."""
    case = case or proceeding.case
    units = _units([s["unit"] for s in proceeding.steps if s.get("unit")])
    head: Official | None = None
    pending = proceeding.state == ProceedingState.PENDING
    if pending and any(s["code"] == "leading_group" for s in proceeding.steps[proceeding.step_index:]):
        head = leading_group_head(case)
    rows = []
    for index, step in enumerate(proceeding.steps):
        spec = STEPS.get(step["code"])
        unit = units.get(step.get("unit") or 0)
        who = unit.name if unit is not None else ""
        if step["code"] == "leading_group" and head is not None and index >= proceeding.step_index:
            who = f"{head.name}（{head.org.name}）" if head.org_id else head.name
        label = spec.label if spec is not None else step["code"]
        rows.append({"code": step["code"], "label": label, "actor": spec.actor if spec is not None else "",
                     "decided_by": step.get("decided_by", ""), "unit": unit, "who": who,
                     "decider": f"{label} — {who}" if who else str(label),
                     "done": index < proceeding.step_index,
                     "current": pending and index == proceeding.step_index})
    return rows


def waiting_for(proceeding: Proceeding, rows: list[dict[str, Any]] | None = None) -> str | None:
    """"waiting for: 合议庭意见 — 清河市中级人民法院", or None when nothing waits."""
    if proceeding.current is None:
        return None
    rows = rows if rows is not None else step_rows(proceeding)
    return gettext("waiting for: %(step)s") % {"step": rows[proceeding.step_index]["decider"]}


# ---------------------------------------------------------------- who may do what, now

def in_scope(user: "User", org: Org) -> bool:
    """Whether `org` is in `user`'s scope (visible_orgs), asked once per user object and unit: a case page
    asks it for each of its buttons. The memo lives as long as the user object (a request's, a command's)."""
    memo: tuple[int | None, dict[int, bool]] | None = getattr(user, "_lifecycle_scope", None)
    if memo is None or memo[0] != user.org_id:
        memo = (user.org_id, {})
        setattr(user, "_lifecycle_scope", memo)  # noqa: B010 - an attribute the User model does not declare
    if org.pk not in memo[1]:
        memo[1][org.pk] = visible_orgs(user).filter(pk=org.pk).exists()
    return bool(memo[1][org.pk])


def _role_and_scope(user: "User | None", capability: str, org: Org) -> None:
    if user is None:
        return
    if not has_capability(user, capability):
        raise PermissionDenied(gettext("Your role does not allow this."))
    if not in_scope(user, org):
        raise PermissionDenied(gettext("This unit is outside your scope."))


def pending_proceeding(case: Case) -> Proceeding | None:
    """The case's closure request or termination proposal under way, if any (at most one)."""
    return Proceeding.objects.filter(case=case, state=ProceedingState.PENDING).first()


def _nothing_pending(pending: Proceeding | None) -> None:
    if pending is not None:
        raise ValidationError(gettext("This case already has a closure request or termination proposal under way."))


def check_closure_request(user: "User | None", case: Case, *, pending: Proceeding | None) -> None:
    """报结: the handling unit (or its committee) puts forward a case in progress with nothing under way.
    `pending` is `pending_proceeding(case)`, which the case page has read already."""
    _role_and_scope(user, "closure.request", case.handling_org)
    if case.status != CaseStatus.IN_PROGRESS:
        raise ValidationError(gettext("Only a case in progress can be put forward for closure (this one is "
                                      "“%(status)s”).") % {"status": case.get_status_display()})
    _nothing_pending(pending)
    closure_steps(case)


def termination_closes_as(case: Case, book: RuleBook | None = None) -> str:
    """The status an approved termination gives the case (termination.counts_as_settled of its unit)."""
    return (CaseStatus.CLOSED_SETTLED if termination_counts_as_settled(case.handling_org, book)
            else CaseStatus.CLOSED_UNSETTLED)


def check_termination_propose(user: "User | None", case: Case, *, pending: Proceeding | None,
                              exhausted: Mapping[str, str] | None = None) -> None:
    """终结: the handling unit proposes a case that the approval can close (an open one, or one closed unsettled
    where termination counts as settled), not terminated already, with nothing under way, whose chain has a
    deciding unit for every step, and (for a user) whose record meets `termination.requires`: a refusal lists
    every precondition missing. `exhausted` is what the proposer gives for 三级终结 (None: the button's check)."""
    from qingji.ledger.services import TRANSITIONS

    _role_and_scope(user, "termination.propose", case.handling_org)
    if case.settlement_method == SettlementMethod.TERMINATED:
        raise ValidationError(gettext("This case is terminated already."))
    book = RuleBook()
    if (case.status, termination_closes_as(case, book)) not in TRANSITIONS:
        raise ValidationError(gettext("A case that is “%(status)s” cannot be proposed for termination.")
                              % {"status": case.get_status_display()})
    _nothing_pending(pending)
    termination_steps(case, book)
    if user is not None:
        missing = missing_preconditions(case, exhausted, book)
        if missing:
            raise ValidationError(gettext("The case cannot be proposed for termination yet: %(missing)s.")
                                  % {"missing": "; ".join(missing)})


def check_proceeding_decide(user: "User | None", proceeding: Proceeding) -> None:
    """The current step of a pending request, by a user of the step's deciding unit whose role decides it
    there (`check_decider`), with the case in scope, who did not make the request."""
    step = proceeding.current
    if step is None:
        raise ValidationError(gettext("This request has already been decided."))
    if user is None:
        return
    case = proceeding.case
    if not has_capability(user, "case.view"):
        raise PermissionDenied(gettext("Your role does not allow this."))
    if not in_scope(user, case.handling_org):
        raise PermissionDenied(gettext("This unit is outside your scope."))
    check_decider(user, step, case)
    if proceeding.requested_by_id == user.pk:  # four eyes: nobody approves a request they made themselves
        raise PermissionDenied(gettext("You made this request: someone else decides it."))


def check_proceeding_withdraw(user: "User | None", proceeding: Proceeding) -> None:
    """A request still pending, by the handling unit's own staff or whoever made it."""
    capability = "closure.request" if proceeding.kind == ProceedingKind.CLOSURE else "termination.propose"
    case = proceeding.case
    _role_and_scope(user, capability, case.handling_org)
    if proceeding.state != ProceedingState.PENDING:
        raise ValidationError(gettext("This request has already been decided; it can no longer be withdrawn."))
    if user is not None and user.org_id != case.handling_org_id and user.pk != proceeding.requested_by_id:
        raise PermissionDenied(gettext("Only the unit that made the request may withdraw it."))


def check_reopenable(case: Case) -> None:
    """重新上访 reopens a closed case, except a terminated one."""
    if case.status not in CLOSED_STATUSES:
        raise ValidationError(gettext("Only a closed case can be reopened (this one is “%(status)s”).")
                              % {"status": case.get_status_display()})
    if case.settlement_method == SettlementMethod.TERMINATED:
        raise ValidationError(gettext("A terminated case is not handed down again. Record the new petition in the "
                                      "work log: the unit's duty of counselling continues."))


def check_case_reopen(user: "User | None", case: Case) -> None:
    _role_and_scope(user, "case.reopen", case.handling_org)
    check_reopenable(case)


def check_follow_up_record(user: "User | None", visit: FollowUp) -> None:
    """A visit not yet recorded: a scheduled one by the units that record visits, a sample check's by the
    committee that runs checks."""
    capability = "sample_check.manage" if visit.sample_check_id else "followup.record"
    _role_and_scope(user, capability, visit.case.handling_org)
    if visit.done_on is not None:
        raise ValidationError(gettext("This visit has already been recorded."))

