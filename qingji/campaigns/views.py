"""专项活动 pages: set-up, progress, bulletins, written explanations and the assessment.
Thin views: scope through selectors, writes through services."""

import datetime as dt
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from qingji.accounts.http import AuthedRequest
from qingji.accounts.roles import has_capability
from qingji.audit.services import audit_log
from qingji.campaigns import assessment as assessment_module
from qingji.campaigns import selectors, services
from qingji.campaigns.bulletins import bulletin_issue, next_bulletin_due
from qingji.campaigns.forms import CampaignForm, ExplanationForm, GroupFormSet, IssueForm, rule_text, source_text
from qingji.campaigns.models import Campaign
from qingji.campaigns.render import bulletin_docx
from qingji.ledger.models import Case, Source
from qingji.ledger.selectors import visible_cases
from qingji.lib.checks import allowed
from qingji.organisations.models import Org
from qingji.organisations.selectors import get_visible_org
from qingji.rules.selectors import Resolved, RuleBook
from qingji.web.views_helpers import require_capability

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def _as_of(request: AuthedRequest) -> dt.date:
    try:
        return dt.date.fromisoformat(request.GET.get("as_of", ""))
    except ValueError:
        return timezone.localdate()


def _error_text(error: ValidationError) -> str:
    return " ".join(error.messages)


@login_required
def campaign_list(request: AuthedRequest) -> HttpResponse:
    require_capability(request, "campaign.view")
    campaigns = selectors.visible_campaigns(request.user).order_by("-starts_on", "code")
    return render(request, "campaigns/list.html", {
        "campaigns": campaigns, "cadences": _cadences(list(campaigns)),
        "can_create": has_capability(request.user, "campaign.manage") and selectors.may_organise(request.user.org)})


def _cadences(campaigns: list[Campaign]) -> dict[str, str]:
    book = RuleBook()
    return {c.code: rule_text("bulletin.cadence", book.value("bulletin.cadence", campaign=c)) for c in campaigns}


@login_required
def campaign_create(request: AuthedRequest) -> HttpResponse:
    require_capability(request, "campaign.manage")
    organiser = request.user.org
    if organiser is None or not selectors.may_organise(organiser):
        raise PermissionDenied
    form = CampaignForm(request.POST or None, organiser=organiser,
                        initial=CampaignForm.initial_for(None, timezone.localdate()))
    if request.method == "POST" and form.is_valid():
        try:
            campaign = services.campaign_create(actor=request.user, code=form.cleaned_data["code"],
                                                organiser=organiser, **form.service_kwargs())
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("Campaign %(code)s set up.") % {"code": campaign.code})
            return redirect("campaigns:detail", code=campaign.code)
    return render(request, "campaigns/form.html", {"form": form, "campaign": None})


@login_required
def campaign_edit(request: AuthedRequest, code: str) -> HttpResponse:
    campaign = selectors.get_visible_campaign(request.user, code)
    require_capability(request, "campaign.manage")
    if not selectors.can_manage(request.user, campaign):
        raise PermissionDenied
    form = CampaignForm(request.POST or None, organiser=campaign.organiser, campaign=campaign,
                        initial=CampaignForm.initial_for(campaign, timezone.localdate()))
    if request.method == "POST" and form.is_valid():
        try:
            services.campaign_update(actor=request.user, campaign=campaign, **form.service_kwargs())
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("Campaign saved."))
            return redirect("campaigns:detail", code=campaign.code)
    return render(request, "campaigns/form.html", {"form": form, "campaign": campaign})


@login_required
def campaign_detail(request: AuthedRequest, code: str) -> HttpResponse:
    campaign = selectors.get_visible_campaign(request.user, code)
    require_capability(request, "campaign.view")
    as_of = _as_of(request)
    seen = selectors.progress(request.user, campaign, as_of)
    manage = has_capability(request.user, "campaign.manage") and selectors.can_manage(request.user, campaign)
    issue = has_capability(request.user, "bulletin.issue") and selectors.can_manage(request.user, campaign)
    book = RuleBook()
    rules = selectors.campaign_rules(campaign, book)
    cadence = rules["bulletin.cadence"].value
    issue_form = IssueForm(initial={"as_of": as_of, "cadence": cadence})
    if not manage:
        del issue_form.fields["cadence"]  # changing the cadence is changing the campaign's rules
    return render(request, "campaigns/detail.html", {
        "rules": _rules_rows(campaign, rules), "cadence": rule_text("bulletin.cadence", cadence),
        "group": selectors.leading_group(campaign),
        "campaign": campaign, "as_of": as_of, "progress": seen, "phases": campaign.phases.all(),
        "sources": [Source(code).label for code in campaign.sources if code in Source.values],
        "chart": selectors.progress_chart(request.user, campaign, as_of, seen["units"]),
        "bulletins": campaign.bulletins.order_by("-number"), "next_bulletin": next_bulletin_due(campaign, book),
        "can_manage": manage, "can_issue": issue, "by_hand": campaign.memberships.filter(
            by_hand=True, case__in=visible_cases(request.user)).select_related("case")[:50],
        "issue_form": issue_form,
    })


def _rules_rows(campaign: Campaign, rules: dict[str, Resolved]) -> list[dict[str, Any]]:
    """Each campaign rule in force, its value in words and where it comes from."""
    from qingji.rules.keys import KEYS

    names = dict(Org.objects.filter(code__in=[r.source for r in rules.values()]).values_list("code", "name"))
    names[campaign.code] = _("this campaign")
    return [{"key": key, "label": str(KEYS[key].label), "value": rule_text(key, resolved.value, campaign.starts_on),
             "source": source_text(resolved, names), "own": resolved.source == campaign.code}
            for key, resolved in rules.items()]


def _managed(request: AuthedRequest, code: str, capability: str = "campaign.manage") -> Campaign:
    campaign = selectors.get_visible_campaign(request.user, code)
    require_capability(request, capability)
    if not selectors.can_manage(request.user, campaign):
        raise PermissionDenied
    return campaign


@login_required
@require_POST
def apply_scope(request: AuthedRequest, code: str) -> HttpResponse:
    campaign = _managed(request, code)
    result = services.campaign_apply_scope(actor=request.user, campaign=campaign)
    messages.success(request, _("Scope rules applied: %(added)d cases joined, %(removed)d left; %(total)d cases in "
                                "the campaign.") % result)
    return redirect("campaigns:detail", code=campaign.code)


def _case_by_number(request: AuthedRequest) -> Case | None:
    return visible_cases(request.user).filter(ledger_no=request.POST.get("ledger_no", "").strip()).first()


@login_required
@require_POST
def add_case(request: AuthedRequest, code: str) -> HttpResponse:
    campaign = _managed(request, code)
    case = _case_by_number(request)
    if case is None:
        messages.error(request, _("No case in your scope has this ledger number."))
    else:
        try:
            services.campaign_add_case(actor=request.user, campaign=campaign, case=case)
            messages.success(request, _("Case %(no)s added to the campaign.") % {"no": case.ledger_no})
        except ValidationError as error:
            messages.error(request, _error_text(error))
    return redirect("campaigns:detail", code=campaign.code)


@login_required
@require_POST
def remove_case(request: AuthedRequest, code: str) -> HttpResponse:
    campaign = _managed(request, code)
    case = _case_by_number(request)
    if case is not None:
        services.campaign_remove_case(actor=request.user, campaign=campaign, case=case)
        messages.success(request, _("Case %(no)s removed from the campaign.") % {"no": case.ledger_no})
    return redirect("campaigns:detail", code=campaign.code)


@login_required
@require_POST
def issue(request: AuthedRequest, code: str) -> HttpResponse:
    campaign = _managed(request, code, "bulletin.issue")
    form = IssueForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Give the bulletin's date and cadence."))
        return redirect("campaigns:detail", code=campaign.code)
    try:
        bulletin = bulletin_issue(actor=request.user, campaign=campaign, as_of=form.cleaned_data["as_of"],
                                  cadence=form.cleaned_data["cadence"] or None)
    except ValidationError as error:
        messages.error(request, _error_text(error))
        return redirect("campaigns:detail", code=campaign.code)
    except PermissionDenied as error:
        messages.error(request, str(error) or _("Your role does not allow this."))
        return redirect("campaigns:detail", code=campaign.code)
    messages.success(request, _("Bulletin %(n)d issued.") % {"n": bulletin.number})
    return redirect("campaigns:bulletin", code=campaign.code, number=bulletin.number)


@login_required
def bulletin_detail(request: AuthedRequest, code: str, number: int) -> HttpResponse:
    bulletin = selectors.get_visible_bulletin(request.user, code, number)
    require_capability(request, "campaign.view")
    return render(request, "campaigns/bulletin.html", {"bulletin": bulletin, "snapshot": bulletin.snapshot,
                                                       "campaign": bulletin.campaign,
                                                       "rules_used": _rules_used(bulletin.snapshot)})


def _rules_used(snapshot: dict[str, Any]) -> list[dict[str, str]]:
    """The bulletin's rules as frozen in its snapshot (none listed for a bulletin issued before the rule sets)."""
    from qingji.rules.keys import KEYS

    used = []
    for key, value in (snapshot.get("rules") or {}).items():
        if key not in KEYS or key.startswith("assessment."):
            continue
        text = rule_text(key, value)
        if key == "campaign.milestones" and snapshot.get("milestones"):
            text = "; ".join(_("month %(m)d: %(rate)s%%") % {"m": m["month"], "rate": m["target"]}
                             + f" ({m['date']})" for m in snapshot["milestones"])
        used.append({"label": str(KEYS[key].label), "value": text})
    return used


@login_required
def bulletin_download(request: AuthedRequest, code: str, number: int) -> HttpResponse:
    bulletin = selectors.get_visible_bulletin(request.user, code, number)
    require_capability(request, "campaign.view")
    response = HttpResponse(bulletin_docx(bulletin.snapshot), content_type=DOCX)
    response["Content-Disposition"] = f"attachment; filename=bulletin-{code}-{number}.docx"
    audit_log(actor=request.user, action="bulletin.export", obj=bulletin, after={"format": "docx"})
    return response


@login_required
def explanations(request: AuthedRequest) -> HttpResponse:
    require_capability(request, "campaign.view")
    tasks = list(selectors.visible_explanations(request.user))
    return render(request, "campaigns/explanations.html", {
        "tasks": tasks, "today": timezone.localdate(), "form": ExplanationForm(),
        "submittable": {t.pk for t in tasks if allowed(services.check_explanation_submit, request.user, t)}})


@login_required
@require_POST
def explanation_submit(request: AuthedRequest, pk: int) -> HttpResponse:
    task = selectors.visible_explanations(request.user).filter(pk=pk).first()
    if task is None:
        raise Http404
    require_capability(request, "explanation.submit")
    form = ExplanationForm(request.POST)
    if form.is_valid():
        try:
            services.explanation_submit(actor=request.user, task=task, text=form.cleaned_data["text"],
                                        submitted_on=timezone.localdate())
            messages.success(request, _("Written explanation submitted."))
        except ValidationError as error:
            messages.error(request, _error_text(error))
    else:
        messages.error(request, _("Write the explanation."))
    return redirect("campaigns:explanations")


@login_required
def assessment(request: AuthedRequest, code: str) -> HttpResponse:
    campaign = selectors.get_visible_campaign(request.user, code)
    require_capability(request, "campaign.view")
    as_of = _as_of(request) if request.GET.get("as_of") else min(timezone.localdate(), campaign.ends_on)
    result = assessment_module.assessment(campaign, as_of)
    names = dict(Org.objects.filter(code__in=result["rules_from"].values()).values_list("code", "name"))
    names[campaign.code] = _("this campaign")
    return render(request, "campaigns/assessment.html", {
        "campaign": campaign, "as_of": as_of, "result": result,
        "veto_events": [_escalation_label(code) for code in result["veto_events"]],
        "veto_from": source_text(Resolved("assessment.veto", None, result["rules_from"]["assessment.veto"]), names),
        "can_veto": has_capability(request.user, "assessment.veto") and selectors.can_manage(request.user, campaign),
    })


@login_required
@require_POST
def veto(request: AuthedRequest, code: str) -> HttpResponse:
    campaign = _managed(request, code, "assessment.veto")
    org = get_visible_org(request.user, code=request.POST.get("org", ""))
    try:
        if request.POST.get("withdraw"):
            services.veto_withdraw(actor=request.user, campaign=campaign, org=org)
        else:
            services.veto_record(actor=request.user, campaign=campaign, org=org, reason=request.POST.get("reason", ""))
    except ValidationError as error:
        messages.error(request, _error_text(error))
    return redirect("campaigns:assessment", code=campaign.code)


def _escalation_label(code: str) -> str:
    return str(assessment_module.VETO_EVENTS.get(code, code))


@login_required
def leading_group(request: AuthedRequest, code: str) -> HttpResponse:
    """领导小组: the campaign's managers name the group from the officials of the organiser's scope."""
    campaign = _managed(request, code)
    candidates = selectors.group_candidates(campaign)
    initial = [{"official": m.official, "role": m.role, "duty": m.duty} for m in selectors.leading_group(campaign)]
    formset = GroupFormSet(request.POST or None, initial=initial, candidates=candidates, prefix="group")
    if request.method == "POST" and formset.is_valid():
        try:
            services.leading_group_set(actor=request.user, campaign=campaign, members=formset.members())
        except ValidationError as error:
            for message in error.messages:
                messages.error(request, message)
        else:
            messages.success(request, _("Leading group saved."))
            return redirect("campaigns:detail", code=campaign.code)
    return render(request, "campaigns/leading_group.html", {"campaign": campaign, "formset": formset})
