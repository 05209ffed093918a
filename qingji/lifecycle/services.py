"""Writes of the case lifecycle. Each checks role and scope, records who and when with the
effective date, writes the audit log, and moves the case only through `case_transition`."""

import calendar
import datetime as dt
import math
import random
from collections.abc import Mapping, Sequence
from typing import Any

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from qingji.accounts.models import User
from qingji.audit.services import audit_log
from qingji.ledger.models import CLOSED_STATUSES, Attachment, AttachmentKind, Case, CaseStatus, SettlementMethod
from qingji.ledger.services import attachment_add, case_transition, require
from qingji.lib.checks import allowed
from qingji.lifecycle import policy
from qingji.lifecycle.models import (
    ClosureMethod,
    Decision,
    FollowUp,
    FollowUpResult,
    Outcome,
    Proceeding,
    ProceedingKind,
    ProceedingState,
    ProceedingStep,
    Reopening,
    SampleCheck,
)
from qingji.organisations.models import Org
from qingji.organisations.selectors import visible_orgs


def add_months(day: dt.date, months: int) -> dt.date:
    month = day.month - 1 + months
    year, month = day.year + month // 12, month % 12 + 1
    return dt.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def _date(value: dt.date | None, field: str, *, not_before: dt.date | None = None,
          not_before_label: str = "") -> dt.date:
    day = value or timezone.localdate()
    if day > timezone.localdate():
        raise ValidationError({field: _("This date is in the future.")})
    if not_before is not None and day < not_before:
        raise ValidationError({field: _("This date is before %(what)s (%(date)s).")
                               % {"what": not_before_label, "date": not_before}})
    return day


def _attach_evidence(actor: User | None, case: Case, proceeding: Proceeding,
                     files: Sequence[UploadedFile], chosen: Sequence[Attachment], kind: str) -> int:
    stored = [attachment_add(actor=actor, case=case, uploaded=f, kind=kind) for f in files]
    foreign = [a for a in chosen if a.case_id != case.pk]
    if foreign:
        raise ValidationError({"evidence": _("Evidence must be attached to this case.")})
    proceeding.evidence.add(*stored, *chosen)
    return len(stored) + len(chosen)


def _start(actor: User | None, case: Case, kind: str, steps: list[dict[str, Any]], *, requested_on: dt.date,
           method: str = "", concluded_on: dt.date | None = None, note: str = "",
           exhausted: dict[str, str] | None = None) -> Proceeding:
    proceeding = Proceeding(case=case, kind=kind, steps=steps, method=method, concluded_on=concluded_on,
                            note=note.strip(), requested_by=actor, requested_on=requested_on,
                            exhausted=exhausted or {})
    try:
        with transaction.atomic():
            proceeding.save()
    except IntegrityError:
        raise ValidationError(_("This case already has a closure request or termination proposal under way."))
    ProceedingStep.objects.create(proceeding=proceeding, step="request", decision=Decision.SUBMITTED,
                                  opinion=proceeding.note, decided_by=actor, decided_on=requested_on)
    return proceeding


@transaction.atomic
def closure_request(
    *, actor: User | None, case: Case, method: str, concluded_on: dt.date, note: str = "",
    evidence_files: Sequence[UploadedFile] = (), evidence: Sequence[Attachment] = (),
    requested_on: dt.date | None = None,
) -> Proceeding:
    """报结: the handling unit asks for the case to be accepted as concluded, with its evidence."""
    # The case row is locked; its unit is read with it for the check, and not locked (of="self").
    case = Case.objects.select_for_update(of=("self",)).select_related("handling_org").get(pk=case.pk)
    policy.check_closure_request(actor, case, pending=policy.pending_proceeding(case))
    if method not in ClosureMethod.values:
        raise ValidationError({"method": _("Choose how the case was concluded.")})
    if not evidence_files and not evidence:
        raise ValidationError({"evidence": _("Attach the evidence: the signed pledge or the decision that "
                                             "concluded the case.")})
    concluded_on = _date(concluded_on, "concluded_on", not_before=case.registered_on,
                         not_before_label=_("the registration"))
    requested_on = _date(requested_on, "requested_on", not_before=max(case.status_since, concluded_on),
                         not_before_label=_("the conclusion or the current status"))
    proceeding = _start(actor, case, ProceedingKind.CLOSURE, policy.closure_steps(case), requested_on=requested_on,
                        method=method, concluded_on=concluded_on, note=note)
    count = _attach_evidence(actor, case, proceeding, evidence_files, evidence,
                             AttachmentKind.PLEDGE if method == ClosureMethod.WRITTEN_PLEDGE
                             else AttachmentKind.DECISION)
    case_transition(actor=actor, case=case, to_status=CaseStatus.CLOSURE_REQUESTED, effective_on=requested_on,
                    note=note, expected_status=CaseStatus.IN_PROGRESS, action="case.closure_request")
    audit_log(actor=actor, action="lifecycle.closure_request", obj=case,
              after={"method": method, "concluded_on": concluded_on, "evidence": count, "note": note})
    return proceeding


@transaction.atomic
def termination_propose(
    *, actor: User | None, case: Case, note: str, evidence_files: Sequence[UploadedFile] = (),
    evidence: Sequence[Attachment] = (), requested_on: dt.date | None = None,
    exhausted: Mapping[str, str] | None = None,
) -> Proceeding:
    """终结: the handling unit proposes to terminate the case; the proposal then walks the chain of its unit's
    kind, each step with the unit that decides it, kept as they are now. `exhausted` gives the references of
    the handling, review and re-review decisions (三级终结), which `termination.requires` may ask for."""
    case = Case.objects.select_for_update(of=("self",)).select_related("handling_org").get(pk=case.pk)
    given = _exhausted(exhausted)
    policy.check_termination_propose(actor, case, pending=policy.pending_proceeding(case), exhausted=given)
    if not note.strip():
        raise ValidationError({"note": _("Give the grounds for termination.")})
    requested_on = _date(requested_on, "requested_on", not_before=case.status_since,
                         not_before_label=_("the current status"))
    steps = policy.termination_steps(case)
    proceeding = _start(actor, case, ProceedingKind.TERMINATION, steps, requested_on=requested_on, note=note,
                        exhausted={k: v for k, v in given.items() if v})
    count = _attach_evidence(actor, case, proceeding, evidence_files, evidence, AttachmentKind.DECISION)
    audit_log(actor=actor, action="lifecycle.termination_propose", obj=case,
              after={"note": note, "evidence": count, "requested_on": requested_on,
                     "steps": steps, "exhausted": proceeding.exhausted})
    return proceeding


@transaction.atomic
def proceeding_decide(
    *, actor: User | None, proceeding: Proceeding, step: str, approve: bool,
    opinion: str = "", decided_on: dt.date | None = None, outcome: str = Outcome.SETTLED,
) -> Proceeding:
    """Decide `step` of a closure or termination. `step` is the step the actor saw: if someone
    else has decided it meanwhile, the call is refused and nothing is applied twice."""
    locked = Proceeding.objects.select_for_update().select_related("case", "case__handling_org").get(
        pk=proceeding.pk)
    case = locked.case
    if locked.current_step != step:
        raise ValidationError(_("Someone else has already decided this step; the request is now “%(state)s”. "
                                "Reload the page to see it.") % {"state": _state_text(locked)})
    policy.check_proceeding_decide(actor, locked)
    last = locked.decisions.order_by("-decided_on").values_list("decided_on", flat=True).first()
    decided_on = _date(decided_on, "decided_on", not_before=last or locked.requested_on,
                       not_before_label=_("the previous step"))
    if not approve and not opinion.strip():
        raise ValidationError({"opinion": _("Give the reasons for returning it.")})
    if approve and locked.is_last_step and locked.kind == ProceedingKind.CLOSURE and outcome not in Outcome.values:
        raise ValidationError({"outcome": _("Choose whether the petitioner has stopped petitioning.")})
    ProceedingStep.objects.create(proceeding=locked, step=step, decision=Decision.APPROVED if approve
                                  else Decision.RETURNED, opinion=opinion.strip(), decided_by=actor,
                                  decided_on=decided_on)
    locked.version += 1
    if not approve:
        locked.state, locked.finished_on = ProceedingState.RETURNED, decided_on
        if locked.kind == ProceedingKind.CLOSURE:
            case_transition(actor=actor, case=case, to_status=CaseStatus.IN_PROGRESS, effective_on=decided_on,
                            note=opinion, expected_status=CaseStatus.CLOSURE_REQUESTED, action="case.closure_return")
    elif not locked.is_last_step:
        locked.step_index += 1
    else:
        locked.state, locked.finished_on = ProceedingState.APPROVED, decided_on
        locked.step_index += 1
        _conclude(actor, locked, case, decided_on, outcome, opinion)
    locked.save()
    audit_log(actor=actor, action=f"lifecycle.{locked.kind}_decision", obj=case,
              after={"step": step, "approved": approve, "opinion": opinion, "decided_on": decided_on,
                     "outcome": locked.outcome})
    return locked


@transaction.atomic
def proceeding_withdraw(*, actor: User | None, proceeding: Proceeding, reason: str) -> Proceeding:
    """The handling unit takes back its own request before it is decided (wrong evidence, the petitioner
    changed their mind): a closure request puts the case back in progress."""
    locked = Proceeding.objects.select_for_update().select_related("case", "case__handling_org").get(
        pk=proceeding.pk)
    case = locked.case
    policy.check_proceeding_withdraw(actor, locked)
    if not reason.strip():
        raise ValidationError({"reason": _("Say why the request is withdrawn.")})
    today = timezone.localdate()
    ProceedingStep.objects.create(proceeding=locked, step="withdrawal", decision=Decision.WITHDRAWN,
                                  opinion=reason.strip(), decided_by=actor, decided_on=today)
    locked.state, locked.finished_on, locked.version = ProceedingState.WITHDRAWN, today, locked.version + 1
    locked.save()
    if locked.kind == ProceedingKind.CLOSURE:
        case_transition(actor=actor, case=case, to_status=CaseStatus.IN_PROGRESS, effective_on=today,
                        note=reason, expected_status=CaseStatus.CLOSURE_REQUESTED, action="case.closure_withdrawn")
    audit_log(actor=actor, action=f"lifecycle.{locked.kind}_withdrawn", obj=case, after={"reason": reason})
    return locked


def _conclude(actor: User | None, proceeding: Proceeding, case: Case, day: dt.date, outcome: str,
              opinion: str) -> None:
    if proceeding.kind == ProceedingKind.CLOSURE:
        status: str = CaseStatus.CLOSED_SETTLED if outcome == Outcome.SETTLED else CaseStatus.CLOSED_UNSETTLED
        method = proceeding.method if status == CaseStatus.CLOSED_SETTLED else ""
        expected: str = CaseStatus.CLOSURE_REQUESTED
    else:
        status, method, expected = policy.termination_closes_as(case), SettlementMethod.TERMINATED, case.status
    proceeding.outcome = Outcome.SETTLED if status == CaseStatus.CLOSED_SETTLED else Outcome.UNSETTLED
    case_transition(actor=actor, case=case, to_status=status, method=method, effective_on=day, note=opinion,
                    expected_status=expected, action=f"case.{proceeding.kind}_approved")
    schedule_follow_ups(case, day)


def schedule_follow_ups(case: Case, closed_on: dt.date) -> list[FollowUp]:
    """回访 after closure: one visit per month of `follow_up.months` of the case's unit (defaults 1 and 3)."""
    wanted = [add_months(closed_on, m) for m in policy.follow_up_months(case.handling_org)]
    existing = set(FollowUp.objects.filter(case=case, sample_check=None, due_on__in=wanted)
                   .values_list("due_on", flat=True))
    return FollowUp.objects.bulk_create(FollowUp(case=case, due_on=d) for d in wanted if d not in existing)


def _state_text(proceeding: Proceeding) -> str:
    return policy.waiting_for(proceeding) or str(proceeding.get_state_display())


def _exhausted(given: Mapping[str, str] | None) -> dict[str, str]:
    """The three references of 三级终结 as given (each trimmed; an unknown part or an over-long one refused)."""
    if not given:
        return {}
    unknown = sorted(set(given) - set(policy.EXHAUSTED_PARTS))
    if unknown:
        raise ValidationError({"exhausted": _("Unknown parts: %(parts)s. Give %(known)s.")
                               % {"parts": ", ".join(unknown), "known": ", ".join(policy.EXHAUSTED_PARTS)}})
    cleaned = {part: str(given.get(part) or "").strip() for part in policy.EXHAUSTED_PARTS}
    if any(len(ref) > 100 for ref in cleaned.values()):
        raise ValidationError({"exhausted": _("A reference is at most 100 characters.")})
    return cleaned


@transaction.atomic
def case_reopen(
    *, actor: User | None, case: Case, petitioned_on: dt.date, description: str,
    channel: str = "",
) -> Reopening:
    """重新上访: the petitioner petitions again about a closed case; it goes back into progress and the
    rebound counts against the unit that closed it."""
    case = Case.objects.select_for_update(of=("self",)).select_related("handling_org").get(pk=case.pk)
    policy.check_case_reopen(actor, case)
    return _reopen(actor, case, petitioned_on, description, channel)


def _reopen(actor: User | None, case: Case, petitioned_on: dt.date, description: str, channel: str = "") -> Reopening:
    """The reopening itself, on a case locked by the caller (a reopening, or a visit that found a new petition)."""
    policy.check_reopenable(case)
    if not description.strip():
        raise ValidationError({"description": _("Describe the new petition.")})
    petitioned_on = _date(petitioned_on, "petitioned_on", not_before=case.status_since,
                          not_before_label=_("the closure"))
    reopening = Reopening.objects.create(
        case=case, petitioned_on=petitioned_on, channel=channel.strip(), description=description.strip(),
        closed_by=case.handling_org, previous_status=case.status, previous_method=case.settlement_method,
        closed_on=case.closed_on, recorded_by=actor)
    # Visits not yet made lose their point: the case is open again.
    FollowUp.objects.filter(case=case, sample_check=None, done_on=None).delete()
    case_transition(actor=actor, case=case, to_status=CaseStatus.IN_PROGRESS, effective_on=petitioned_on,
                    note=description, action="case.reopen")
    audit_log(actor=actor, action="lifecycle.reopen", obj=case,
              after={"petitioned_on": petitioned_on, "channel": channel, "description": description,
                     "previous_status": reopening.previous_status})
    return reopening


@transaction.atomic
def follow_up_record(
    *, actor: User | None, follow_up: FollowUp, done_on: dt.date, result: str,
    satisfaction: str = "", visited_by: str = "", note: str = "",
) -> FollowUp:
    """Record a follow-up visit. "Petitioned again" reopens the case (unless it was terminated)."""
    locked = FollowUp.objects.select_for_update().select_related("case", "case__handling_org").get(pk=follow_up.pk)
    case = locked.case
    policy.check_follow_up_record(actor, locked)
    if result not in FollowUpResult.values:
        raise ValidationError({"result": _("Choose the result of the visit.")})
    done_on = _date(done_on, "done_on", not_before=case.closed_on or case.status_since,
                    not_before_label=_("the closure"))
    locked.done_on, locked.result, locked.satisfaction = done_on, result, satisfaction
    locked.visited_by = visited_by.strip() or (getattr(actor, "full_name", "") or getattr(actor, "username", ""))
    locked.note, locked.recorded_by, locked.recorded_at = note.strip(), actor, timezone.now()
    locked.save()
    audit_log(actor=actor, action="lifecycle.follow_up", obj=case,
              after={"done_on": done_on, "result": result, "satisfaction": satisfaction, "note": note,
                     "sample_check": locked.sample_check_id})
    if result == FollowUpResult.PETITIONED_AGAIN and allowed(policy.check_reopenable, case):
        _reopen(actor, Case.objects.select_for_update().get(pk=case.pk), done_on,
                note or _("Found petitioning again at a follow-up visit."), _("Follow-up visit"))
    return locked


@transaction.atomic
def sample_check_draw(
    *, actor: User | None, unit: Org, percent: int, due_on: dt.date, seed: int | None = None,
    closed_by: dt.date | None = None,
) -> SampleCheck:
    """抽查回访: draw N% of the unit's closed cases (at least one) with a recorded seed, so the same
    draw can be reproduced; each drawn case gets a visit for the committee to record."""
    require(actor, "sample_check.manage", unit)
    if not 1 <= percent <= 100:
        raise ValidationError({"percent": _("Give a share between 1 and 100 per cent.")})
    closed_by = closed_by or timezone.localdate()
    if due_on < closed_by:
        raise ValidationError({"due_on": _("The check cannot be due before the cases it draws were closed.")})
    seed = seed if seed is not None else random.SystemRandom().randrange(1, 2**31)
    population = sample_population(unit, closed_by)
    if not population:
        raise ValidationError(_("%(unit)s has no closed cases to check.") % {"unit": unit.name})
    size = max(1, math.ceil(len(population) * percent / 100))
    drawn = sorted(random.Random(seed).sample(population, size))  # noqa: S311 - reproducible by design
    committee = actor.org if actor is not None and actor.org is not None else unit
    check = SampleCheck.objects.create(committee=committee, unit=unit, percent=percent, seed=seed,
                                       population=len(population), closed_by=closed_by, due_on=due_on,
                                       drawn_by=actor)
    FollowUp.objects.bulk_create(FollowUp(case_id=pk, sample_check=check, due_on=due_on) for pk in drawn)
    audit_log(actor=actor, action="lifecycle.sample_check", obj=check, object_repr=unit.name,
              after={"unit": unit.code, "percent": percent, "seed": seed, "population": len(population),
                     "drawn": len(drawn), "closed_by": closed_by})
    return check


def sample_population(unit: Org, closed_by: dt.date) -> list[int]:
    """The unit's cases closed on or before `closed_by`, as sorted ids (the sample's frame)."""
    return list(Case.objects.filter(handling_org=unit, status__in=CLOSED_STATUSES, closed_on__lte=closed_by)
                .order_by("pk").values_list("pk", flat=True))


def units_for_sample_check(actor: User) -> QuerySet[Org]:
    """The units a committee member may check: handling units in scope (not committees)."""
    return visible_orgs(actor).exclude(kind="committee").order_by("path")
