"""Pages of the case lifecycle: closure, termination, decisions, reopening, follow-ups, sample checks."""

import datetime as dt
from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from qingji.accounts.http import AuthedRequest
from qingji.ledger.models import Case, SettlementMethod
from qingji.ledger.selectors import case_timeline, get_visible_case
from qingji.lib.checks import allowed
from qingji.lifecycle import forms, policy, selectors, services
from qingji.lifecycle.models import Proceeding, ProceedingKind, ProceedingState
from qingji.organisations.models import Org
from qingji.web.views_helpers import apply_errors, require_capability


def _to_case(case: Case) -> HttpResponse:
    return redirect("ledger:detail", case.pk)


@login_required
def closure(request: AuthedRequest, pk: int) -> HttpResponse:
    case = get_visible_case(request.user, pk)
    require_capability(request, "closure.request")
    form = forms.ClosureRequestForm(request.POST or None, request.FILES or None, case=case,
                                    initial={"concluded_on": timezone.localdate()})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.closure_request(actor=request.user, case=case, method=data["method"],
                                     concluded_on=data["concluded_on"], note=data["note"],
                                     evidence_files=data["evidence_files"], evidence=list(data["evidence"]))
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, _("The closure request has been sent for approval."))
            return _to_case(case)
    return render(request, "lifecycle/form.html", {
        "case": case, "form": form, "multipart": True, "title": _("Request closure"),
        "intro": _("Say how the case was concluded and attach the evidence. The request goes to: %(steps)s.")
        % {"steps": _chain_text(case, policy.closure_steps)}})


@login_required
def termination(request: AuthedRequest, pk: int) -> HttpResponse:
    case = get_visible_case(request.user, pk)
    require_capability(request, "termination.propose")
    form = forms.TerminationForm(request.POST or None, request.FILES or None, case=case,
                                 exhausted="exhausted" in policy.termination_requires(case.handling_org))
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.termination_propose(actor=request.user, case=case, note=data["note"],
                                         evidence_files=data["evidence_files"], evidence=list(data["evidence"]),
                                         exhausted=form.exhausted())
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, _("The termination proposal has been submitted."))
            return _to_case(case)
    return render(request, "lifecycle/form.html", {
        "case": case, "form": form, "multipart": True, "title": _("Propose termination"),
        "intro": _("The proposal goes through: %(steps)s. A rejection at any step returns it with reasons.")
        % {"steps": _chain_text(case, policy.termination_steps)}})


@login_required
def decide(request: AuthedRequest, pk: int) -> HttpResponse:
    proceeding = selectors.get_visible_proceeding(request.user, pk)
    case = proceeding.case
    step = proceeding.current_step
    if step is None:
        messages.info(request, _("This request has already been decided."))
        return _to_case(case)
    if not allowed(policy.check_proceeding_decide, request.user, proceeding):
        raise PermissionDenied
    final_closure = proceeding.kind == ProceedingKind.CLOSURE and proceeding.is_last_step
    form = forms.DecisionForm(request.POST or None, final_closure=final_closure, initial={"step": step})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.proceeding_decide(actor=request.user, proceeding=proceeding, step=data["step"],
                                       approve=data["decision"] == "approve", opinion=data["opinion"],
                                       decided_on=data["decided_on"], outcome=data.get("outcome") or "settled")
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, _("Your decision has been recorded."))
            return _to_case(case)
    return render(request, "lifecycle/decide.html", {
        "case": case, "proceeding": proceeding, "form": form, "step": policy.STEPS[step],
        "steps": _step_list(proceeding), "history": [proceeding], "step_labels": policy.STEPS,
        "title": policy.STEPS[step].label,
        # The case's work record and evidence, so that the decider need not open the case (#19 item 8).
        "timeline": case_timeline(case), "can_work": False})


@login_required
def withdraw(request: AuthedRequest, pk: int) -> HttpResponse:
    proceeding = selectors.get_visible_proceeding(request.user, pk)
    case = proceeding.case
    require_capability(request,
                       "closure.request" if proceeding.kind == ProceedingKind.CLOSURE else "termination.propose")
    if proceeding.state != ProceedingState.PENDING:
        messages.info(request, _("This request has already been decided."))
        return _to_case(case)
    if not allowed(policy.check_proceeding_withdraw, request.user, proceeding):
        raise PermissionDenied
    form = forms.WithdrawForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.proceeding_withdraw(actor=request.user, proceeding=proceeding,
                                         reason=form.cleaned_data["reason"])
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, _("The request has been withdrawn."))
            return _to_case(case)
    return render(request, "lifecycle/form.html", {
        "case": case, "form": form, "title": _("Withdraw the %(kind)s") % {"kind": proceeding.get_kind_display()},
        "intro": _("A withdrawn closure request puts the case back in progress.")})


def _step_list(proceeding: Proceeding) -> list[dict[str, Any]]:
    return policy.step_rows(proceeding)


def _chain_text(case: Case, steps_of: Callable[[Case], list[dict[str, Any]]]) -> str:
    """The steps a request of this case would go through, each with its deciding unit; or why none can start."""
    try:
        steps = steps_of(case)
    except ValidationError as error:
        return " ".join(error.messages)
    units = Org.objects.in_bulk([s["unit"] for s in steps])
    return " → ".join(f"{policy.STEPS[s['code']].label} — {units[s['unit']].name}" for s in steps)


@login_required
def reopen(request: AuthedRequest, pk: int) -> HttpResponse:
    case = get_visible_case(request.user, pk)
    require_capability(request, "case.reopen")
    form = forms.ReopenForm(request.POST or None, initial={"petitioned_on": timezone.localdate()})
    if request.method == "POST" and form.is_valid():
        try:
            services.case_reopen(actor=request.user, case=case, **form.cleaned_data)
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.warning(request, _("The case has been reopened; the rebound counts against %(unit)s.")
                             % {"unit": case.handling_org.name})
            return _to_case(case)
    return render(request, "lifecycle/form.html", {
        "case": case, "form": form, "title": _("Record a new petition (reopen)"),
        "intro": _("The case goes back into progress, and the new petition is counted against the unit that "
                   "closed it.")})


@login_required
def follow_up(request: AuthedRequest, pk: int) -> HttpResponse:
    visit = selectors.get_visible_follow_up(request.user, pk)
    require_capability(request, "sample_check.manage" if visit.sample_check_id else "followup.record")
    form = forms.FollowUpForm(request.POST or None, initial={"done_on": timezone.localdate(),
                                                             "visited_by": request.user.full_name})
    if visit.done_on is not None:
        messages.info(request, _("This visit has already been recorded."))
        return _to_case(visit.case)
    if request.method == "POST" and form.is_valid():
        try:
            services.follow_up_record(actor=request.user, follow_up=visit, **form.cleaned_data)
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, _("The visit has been recorded."))
            if visit.sample_check_id:
                return redirect("lifecycle:sample_check", visit.sample_check_id)
            return _to_case(visit.case)
    return render(request, "lifecycle/form.html", {
        "case": visit.case, "form": form, "title": _("Record a follow-up visit"),
        "intro": _("Due on %(date)s.") % {"date": visit.due_on.isoformat()}})


@login_required
def follow_ups(request: AuthedRequest) -> HttpResponse:
    require_capability(request, "followup.record")
    today = timezone.localdate()
    visits = selectors.due_follow_ups(request.user, today, within_days=30)
    return render(request, "lifecycle/follow_ups.html", {"visits": visits, "today": today})


@login_required
def approvals(request: AuthedRequest) -> HttpResponse:
    require_capability(request, "case.view")
    return render(request, "lifecycle/approvals.html", {"pending": selectors.pending_for(request.user),
                                                        "steps": policy.STEPS})


@login_required
def sample_checks(request: AuthedRequest) -> HttpResponse:
    require_capability(request, "sample_check.manage")
    units = services.units_for_sample_check(request.user)
    today = timezone.localdate()
    form = forms.SampleCheckForm(request.POST or None, units=units, initial={
        "closed_by": today, "due_on": today + dt.timedelta(days=30)})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            check = services.sample_check_draw(actor=request.user, unit=data["unit"], percent=data["percent"],
                                               due_on=data["due_on"], seed=data["seed"],
                                               closed_by=data["closed_by"])
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, _("%(n)d cases drawn for the check.") % {"n": check.items.count()})
            return redirect("lifecycle:sample_check", check.pk)
    checks = list(selectors.visible_sample_checks(request.user).select_related("unit", "drawn_by")[:100])
    figures = selectors.sample_check_figures(checks)
    rows = [{"check": c, **figures[c.pk]} for c in checks]
    return render(request, "lifecycle/sample_checks.html", {"form": form, "rows": rows})


@login_required
def sample_check(request: AuthedRequest, pk: int) -> HttpResponse:
    check = get_object_or_404(selectors.sample_checks_in_scope(request.user).select_related("unit", "committee"),
                              pk=pk)
    require_capability(request, "sample_check.manage")
    items = list(check.items.select_related("case").order_by("case__ledger_no"))
    return render(request, "lifecycle/sample_check.html", {
        "check": check, "items": items, "figures": selectors.sample_check_figures([check])[check.pk]})


def _proceeding_item(proceeding: Proceeding, case: Case) -> dict[str, Any]:
    rows = policy.step_rows(proceeding, case)
    return {"p": proceeding, "steps": rows, "waiting": policy.waiting_for(proceeding, rows),
            "decisions": list(proceeding.decisions.all()), "evidence": list(proceeding.evidence.all())}


def case_panel(request: AuthedRequest, case: Case) -> dict[str, object]:
    """The lifecycle card on the case page: proceedings, follow-ups, reopenings and the buttons the
    user may press: those whose service would accept it now (lifecycle/policy.py)."""
    user = request.user
    proceedings = selectors.proceedings_of(case)
    pending = next((p for p in proceedings if p.state == ProceedingState.PENDING), None)
    visits = list(case.follow_ups.filter(sample_check=None).order_by("due_on"))
    for visit in visits:
        visit.case = case  # the case page's case, with its unit: the checks read it
    if pending is not None:
        pending.case = case
    return {
        "proceedings": [_proceeding_item(p, case) for p in proceedings],
        "pending": pending,
        "can_decide": pending is not None and allowed(policy.check_proceeding_decide, user, pending),
        "can_withdraw": pending is not None and allowed(policy.check_proceeding_withdraw, user, pending),
        "can_request_closure": allowed(policy.check_closure_request, user, case, pending=pending),
        "can_propose_termination": allowed(policy.check_termination_propose, user, case, pending=pending),
        "can_reopen": allowed(policy.check_case_reopen, user, case),
        "terminated": case.settlement_method == SettlementMethod.TERMINATED,
        "visits": visits, "recordable": {v.pk for v in visits if allowed(policy.check_follow_up_record, user, v)},
        "reopenings": list(case.reopenings.select_related("closed_by")),
        "today": timezone.localdate(), "step_labels": policy.STEPS,
    }
