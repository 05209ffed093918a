"""Who decides each step of a closure or a termination: local rules as configuration; and who may do each
action of the lifecycle to a case now.

The seeds' rules are the defaults: a closure is approved by the unit's leader and accepted by
the supervising committee; a termination goes from the handling unit's proposal through the
review panel, the adjudication committee and the campaign leading group's head to the
provincial high court. Which steps apply and which body approves differ by province, so
they come from settings (QINGJI_CLOSURE_STEPS, QINGJI_TERMINATION_STEPS,
QINGJI_TERMINATION_APPROVER as "kind:level" of the approving unit).

Each action has one check (`check_closure_request`, …; qingji/lib/checks.py): scope, role and the state of
the case or request. The service calls it and refuses with its reason; the case page shows a button exactly
when `allowed(check, …)`. `user=None` is the system (imports, the demo, commands): only the state is checked.
"""

from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils.functional import Promise
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from qingji.accounts.roles import has_capability
from qingji.ledger.models import CLOSED_STATUSES, Case, CaseStatus, SettlementMethod
from qingji.lifecycle.models import FollowUp, Proceeding, ProceedingKind, ProceedingState
from qingji.organisations.models import Org
from qingji.organisations.selectors import visible_orgs

if TYPE_CHECKING:
    from qingji.accounts.models import User


@dataclass(frozen=True)
class Step:
    name: str
    label: str | Promise  # what the step is, e.g. 单位领导审批
    actor: str | Promise  # who acts, e.g. 单位领导
    capability: str
    own_unit: bool = False  # decided inside the handling unit (its leader, its court's bodies)


STEPS: dict[str, Step] = {s.name: s for s in (
    Step("unit_leader", _("Unit leader's approval"), _("Leader of the handling unit"), "closure.approve",
         own_unit=True),
    Step("committee", _("Committee acceptance"), _("Supervising committee"), "closure.accept"),
    Step("review_panel", _("Review panel opinion"), _("Termination review panel"), "termination.review_panel",
         own_unit=True),
    Step("adjudication_committee", _("Adjudication committee decision"), _("Adjudication committee"),
         "termination.adjudication", own_unit=True),
    Step("leading_group", _("Leading group head's sign-off"), _("Head of the campaign leading group"),
         "termination.sign_off"),
    Step("approving_body", _("Approval by the approving body"), _("Approving body"), "termination.approve"),
)}
CLOSURE_DEFAULT = ("unit_leader", "committee")
TERMINATION_DEFAULT = ("review_panel", "adjudication_committee", "leading_group", "approving_body")


def closure_steps() -> list[str]:
    steps = list(getattr(settings, "QINGJI_CLOSURE_STEPS", CLOSURE_DEFAULT))
    return [s for s in steps if s in ("unit_leader", "committee")] or ["committee"]


def termination_steps() -> list[str]:
    steps = list(getattr(settings, "QINGJI_TERMINATION_STEPS", TERMINATION_DEFAULT))
    steps = [s for s in steps if s in TERMINATION_DEFAULT]
    return steps if steps and steps[-1] == "approving_body" else [*steps, "approving_body"]


def approver_kind_level(handling_kind: str = "court") -> tuple[str, str]:
    """The approving body of a termination, as (kind, level): for a court's case the provincial high
    court by default; for the other units' cases the provincial committee by default."""
    if handling_kind == "court":
        value = getattr(settings, "QINGJI_TERMINATION_APPROVER", "court:province")
    else:
        value = getattr(settings, "QINGJI_TERMINATION_APPROVER_OTHER", "committee:province")
    kind, _sep, level = value.partition(":")
    return kind, level


def termination_counts_as_settled() -> bool:
    return bool(getattr(settings, "QINGJI_TERMINATION_SETTLED", True))


def follow_up_months() -> list[int]:
    return list(getattr(settings, "QINGJI_FOLLOW_UP_MONTHS", (1, 3)))


def may_act(user: "User", step: str, handling_kind: str | None = None) -> bool:
    """The role part of the check (scope is checked against the case by the caller). Without
    `handling_kind`, whether the user may act on this step for some case."""
    if not has_capability(user, STEPS[step].capability):
        return False
    if step == "approving_body":
        kinds = [handling_kind] if handling_kind else ["court", "other"]
        return user.org is not None and any((user.org.kind, user.org.level) == approver_kind_level(k) for k in kinds)
    return True


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


def termination_closes_as() -> str:
    """The status an approved termination gives the case (QINGJI_TERMINATION_SETTLED)."""
    return CaseStatus.CLOSED_SETTLED if termination_counts_as_settled() else CaseStatus.CLOSED_UNSETTLED


def check_termination_propose(user: "User | None", case: Case, *, pending: Proceeding | None) -> None:
    """终结: the handling unit proposes a case that the approval can close (an open one, or one closed unsettled
    where termination counts as settled), not terminated already, with nothing under way."""
    from qingji.ledger.services import TRANSITIONS

    _role_and_scope(user, "termination.propose", case.handling_org)
    if case.settlement_method == SettlementMethod.TERMINATED:
        raise ValidationError(gettext("This case is terminated already."))
    if (case.status, termination_closes_as()) not in TRANSITIONS:
        raise ValidationError(gettext("A case that is “%(status)s” cannot be proposed for termination.")
                              % {"status": case.get_status_display()})
    _nothing_pending(pending)


def check_proceeding_decide(user: "User | None", proceeding: Proceeding) -> None:
    """The current step of a pending request, by a user whose role and unit decide that step, who did not
    make the request."""
    step = proceeding.current_step
    if step is None:
        raise ValidationError(gettext("This request has already been decided."))
    case = proceeding.case
    _role_and_scope(user, STEPS[step].capability, case.handling_org)
    if user is None:
        return
    if not may_act(user, step, case.handling_org.kind):
        raise PermissionDenied(gettext("You may not decide this step."))
    if STEPS[step].own_unit and user.org_id != case.handling_org_id:
        raise PermissionDenied(gettext("You may not decide this step."))
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

