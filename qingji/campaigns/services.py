"""Campaign set-up and membership: who is in a campaign is decided here, by its scope rules or by hand."""

import datetime as dt
from collections.abc import Sequence
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _

from qingji.accounts.models import User
from qingji.accounts.roles import has_capability
from qingji.audit.services import audit_log
from qingji.campaigns.models import (
    AssessmentVeto,
    Campaign,
    CampaignCase,
    ExplanationTask,
    GroupRole,
    LeadingGroupMember,
    Phase,
)
from qingji.campaigns.selectors import can_manage, group_candidates, may_organise, takes_part
from qingji.ledger.models import Case, CaseStatus
from qingji.ledger.selectors import cases_in_org_scope
from qingji.lib import bulk
from qingji.organisations.models import Official, Org
from qingji.organisations.selectors import org_scope_q
from qingji.reports.selectors import periods_as_of
from qingji.rules.keys import clean_value, key_or_refuse
from qingji.rules.models import RuleValue
from qingji.rules.services import rule_set, rule_unset

# A campaign's own rules, as the form and the callers give them: key → value, None to inherit.
CampaignRules = dict[str, Any]


def require_manager(actor: User | None, campaign: Campaign | None = None, capability: str = "campaign.manage") -> None:
    """`actor=None` is the system (commands, demo, tests)."""
    if actor is None:
        return
    if not has_capability(actor, capability):
        raise PermissionDenied(_("Your role does not allow this."))
    if campaign is not None and not can_manage(actor, campaign):
        raise PermissionDenied(_("This campaign is run by another unit."))


def campaign_source_choices(organiser: Org) -> list[tuple[str, str]]:
    """The sources a campaign may take cases from: every source of the organiser's rules and of the units in its
    scope, retired ones too (a campaign clears old cases)."""
    from qingji.ledger.vocabulary import SOURCES, Vocabulary

    scope = Org.objects.filter(org_scope_q(organiser)).values_list("pk", flat=True)
    return Vocabulary().filter_choices(SOURCES, organiser, scope)


def _validate(*, code: str, name: str, organiser: Org, starts_on: dt.date, ends_on: dt.date, sources: Sequence[str],
              phases: Sequence[tuple[str, dt.date, dt.date]], rules: CampaignRules) -> None:
    errors: dict[str, list[str]] = {}
    if not code.strip():
        errors["code"] = [_("A campaign needs a code.")]
    if not name.strip():
        errors["name"] = [_("A campaign needs a name.")]
    if ends_on < starts_on:
        errors["ends_on"] = [_("The campaign ends before it starts.")]
    unknown = set(sources) - {code for code, _label in campaign_source_choices(organiser)}
    if unknown:
        errors["sources"] = [_("Unknown source: %(codes)s.") % {"codes": ", ".join(sorted(unknown))}]
    for phase, start, end in phases:
        if end < start:
            errors.setdefault("phases", []).append(_("Phase “%(name)s” ends before it starts.") % {"name": phase})
    for key, value in rules.items():
        try:
            key_or_refuse(key, campaign=True)
            if value is not None:
                clean_value(key, value, campaign=True)
        except ValidationError as error:
            errors.setdefault("__all__", []).extend(error.messages)
    if errors:
        raise ValidationError(errors)


def _own_rules(campaign: Campaign) -> dict[str, Any]:
    return dict(RuleValue.objects.filter(campaign=campaign).values_list("key", "value"))


def _set_rules(actor: User | None, campaign: Campaign, rules: CampaignRules, reason: str) -> dict[str, Any]:
    """Set (a value) or unset (None) each given key of the campaign's own rule set, through the rule services
    (checked, versioned, audited), in the caller's transaction; keys not given stay as they are."""
    own = _own_rules(campaign)
    for key, value in rules.items():
        if value is None:
            if key in own:
                rule_unset(actor=actor, campaign=campaign, key=key, reason=reason)
        elif own.get(key) != clean_value(key, value, campaign=True):
            rule_set(actor=actor, campaign=campaign, key=key, value=value, reason=reason)
    return _own_rules(campaign)


def _snapshot(campaign: Campaign) -> dict[str, Any]:
    return {
        "code": campaign.code, "name": campaign.name, "organiser": campaign.organiser.code,
        "starts_on": campaign.starts_on, "ends_on": campaign.ends_on, "cutoff_date": campaign.cutoff_date,
        "sources": campaign.sources, "units": sorted(campaign.units.values_list("code", flat=True)),
        "phases": [[p.name, p.starts_on, p.ends_on] for p in campaign.phases.all()],
        "rules": _own_rules(campaign),
    }


def _set_children(campaign: Campaign, phases: Sequence[tuple[str, dt.date, dt.date]], units: Sequence[Org]) -> None:
    campaign.phases.all().delete()
    Phase.objects.bulk_create(Phase(campaign=campaign, name=name, starts_on=start, ends_on=end, position=i)
                              for i, (name, start, end) in enumerate(phases))
    campaign.units.set(units)


@transaction.atomic
def campaign_create(
    *, actor: User | None, code: str, name: str, organiser: Org, starts_on: dt.date, ends_on: dt.date,
    cutoff_date: dt.date | None = None, sources: Sequence[str] = (), units: Sequence[Org] = (),
    phases: Sequence[tuple[str, dt.date, dt.date]] = (), rules: CampaignRules | None = None,
) -> Campaign:
    """Set a campaign up. `rules` are its own rule values (key → value; None or absent: inherited from the
    organiser), set through the rule services in this same transaction."""
    require_manager(actor)
    if actor is not None and organiser.pk != actor.org_id:
        raise PermissionDenied(_("A campaign is organised by your own unit."))
    if not may_organise(organiser):
        raise ValidationError({"organiser": _("A campaign is organised by a political-legal committee or by a unit "
                                              "with units under it; %(unit)s has none.") % {"unit": organiser.name}})
    rules = rules or {}
    _validate(code=code, name=name, organiser=organiser, starts_on=starts_on, ends_on=ends_on, sources=sources,
              phases=phases, rules=rules)
    if Campaign.objects.filter(code=code.strip()).exists():
        raise ValidationError({"code": _("Another campaign has this code.")})
    campaign = Campaign.objects.create(
        code=code.strip(), name=name.strip(), organiser=organiser, starts_on=starts_on, ends_on=ends_on,
        cutoff_date=cutoff_date, sources=list(sources), created_by=actor)
    _set_children(campaign, phases, units)
    _set_rules(actor, campaign, rules, _("Campaign set up"))
    audit_log(actor=actor, action="campaign.create", obj=campaign, after=_snapshot(campaign))
    return campaign


@transaction.atomic
def campaign_update(
    *, actor: User | None, campaign: Campaign, name: str, starts_on: dt.date, ends_on: dt.date,
    cutoff_date: dt.date | None, sources: Sequence[str], units: Sequence[Org],
    phases: Sequence[tuple[str, dt.date, dt.date]], rules: CampaignRules | None = None, reason: str = "",
) -> Campaign:
    """Change the settings; `rules` sets (a value) or unsets (None: inherit) each key given of the campaign's
    own rule set, in the same transaction (keys not given stay as they are)."""
    require_manager(actor, campaign)
    rules = rules or {}
    _validate(code=campaign.code, name=name, organiser=campaign.organiser, starts_on=starts_on, ends_on=ends_on,
              sources=sources, phases=phases, rules=rules)
    before = _snapshot(campaign)
    for field, value in (("name", name.strip()), ("starts_on", starts_on), ("ends_on", ends_on),
                         ("cutoff_date", cutoff_date), ("sources", list(sources))):
        setattr(campaign, field, value)
    campaign.save()
    _set_children(campaign, phases, units)
    _set_rules(actor, campaign, rules, reason.strip() or _("Campaign settings changed"))
    audit_log(actor=actor, action="campaign.update", obj=campaign, before=before, after=_snapshot(campaign))
    return campaign


def scope_matches(campaign: Campaign) -> QuerySet[Case]:
    """The cases the campaign's rules take in: in the organiser's scope and the chosen units, from the
    chosen sources, registered by the cut-off date and not settled as of it."""
    cases = cases_in_org_scope(campaign.organiser)
    units = list(campaign.units.all())
    if units:
        condition = Q()
        for unit in units:
            condition |= Q(handling_org__path__startswith=unit.path)
        cases = cases.filter(condition)
    if campaign.sources:
        cases = cases.filter(source__in=campaign.sources)
    if campaign.cutoff_date:
        cutoff = campaign.cutoff_date
        cases = cases.filter(registered_on__lte=cutoff)
        settled = periods_as_of(cases, cutoff).filter(status=CaseStatus.CLOSED_SETTLED).values("case_id")
        cases = cases.exclude(pk__in=settled)
    return cases


@transaction.atomic
def campaign_apply_scope(*, actor: User | None, campaign: Campaign) -> dict[str, int]:
    """(Re)apply the scope rules: cases that match join; cases that joined by the rules and no longer match
    leave; cases added by hand stay."""
    require_manager(actor, campaign)
    matching = set(scope_matches(campaign).values_list("pk", flat=True))
    present = dict(campaign.memberships.values_list("case_id", "by_hand"))
    added = matching - set(present)
    removed = {pk for pk, by_hand in present.items() if not by_hand and pk not in matching}
    CampaignCase.objects.bulk_create(CampaignCase(campaign=campaign, case_id=pk, added_by=actor) for pk in added)
    campaign.memberships.filter(case_id__in=removed).delete()
    result = {"added": len(added), "removed": len(removed), "total": campaign.memberships.count()}
    audit_log(actor=actor, action="campaign.apply_scope", obj=campaign, after=result)
    if len(added) + len(removed) >= bulk.ANALYSE_ROWS:
        # PostgreSQL's planner needs to know the campaign's new size before its first bulletin: with the
        # statistics of an empty table it took 310,849 members for 899, and the bulletin 1.8 s for 0.2.
        transaction.on_commit(lambda: bulk.analyse([CampaignCase]))
    return result


@transaction.atomic
def campaign_add_case(*, actor: User | None, campaign: Campaign, case: Case) -> CampaignCase:
    """Add a case by hand (it stays when the rules are applied again)."""
    require_manager(actor, campaign)
    if not cases_in_org_scope(campaign.organiser).filter(pk=case.pk).exists():
        raise ValidationError(_("This case is outside the organiser's scope."))
    membership, created = CampaignCase.objects.get_or_create(
        campaign=campaign, case=case, defaults={"by_hand": True, "added_by": actor})
    if not created and not membership.by_hand:
        membership.by_hand = True
        membership.save(update_fields=["by_hand"])
    audit_log(actor=actor, action="campaign.add_case", obj=campaign, after={"case": case.ledger_no})
    return membership


@transaction.atomic
def campaign_remove_case(*, actor: User | None, campaign: Campaign, case: Case) -> None:
    require_manager(actor, campaign)
    deleted, _n = campaign.memberships.filter(case=case).delete()
    if deleted:
        audit_log(actor=actor, action="campaign.remove_case", obj=campaign, after={"case": case.ledger_no})


@transaction.atomic
def veto_record(*, actor: User | None, campaign: Campaign, org: Org, reason: str) -> AssessmentVeto:
    """一票否决: void the unit's rating in this campaign, with the reason."""
    require_manager(actor, campaign, "assessment.veto")
    if not takes_part(campaign, org):
        raise ValidationError(_("%(unit)s handles no case of this campaign: it has no rating to veto.")
                              % {"unit": org.name})
    if not reason.strip():
        raise ValidationError({"reason": _("Give the reason for the veto.")})
    veto, _created = AssessmentVeto.objects.update_or_create(
        campaign=campaign, org=org, defaults={"reason": reason.strip(), "recorded_by": actor})
    audit_log(actor=actor, action="campaign.veto", obj=campaign, after={"org": org.code, "reason": veto.reason})
    return veto


@transaction.atomic
def veto_withdraw(*, actor: User | None, campaign: Campaign, org: Org) -> None:
    require_manager(actor, campaign, "assessment.veto")
    deleted, _n = AssessmentVeto.objects.filter(campaign=campaign, org=org).delete()
    if deleted:
        audit_log(actor=actor, action="campaign.veto_withdraw", obj=campaign, after={"org": org.code})


def check_explanation_submit(actor: User | None, task: ExplanationTask) -> None:
    """Whether `actor` may submit `task`'s explanation now (qingji/lib/checks.py): the criticised unit's own
    staff, while it is awaited. The explanations page shows the form exactly when this passes."""
    from qingji.campaigns.models import ExplanationStatus

    if actor is not None and (not has_capability(actor, "explanation.submit") or actor.org_id != task.org_id):
        raise PermissionDenied(_("The criticised unit itself submits the explanation."))
    if task.status != ExplanationStatus.OPEN:
        raise ValidationError(_("This explanation was already submitted."))


@transaction.atomic
def explanation_submit(*, actor: User | None, task: ExplanationTask, text: str,
                       submitted_on: dt.date) -> ExplanationTask:
    """书面说明: the unit submits its head's written explanation; the task is then done."""
    from qingji.campaigns.models import ExplanationStatus

    check_explanation_submit(actor, task)
    if not text.strip():
        raise ValidationError({"text": _("Write the explanation.")})
    task.text, task.submitted_on, task.submitted_by = text.strip(), submitted_on, actor
    task.status = ExplanationStatus.SUBMITTED
    task.save(update_fields=["text", "submitted_on", "submitted_by", "status"])
    audit_log(actor=actor, action="explanation.submit", obj=task, after={"submitted_on": submitted_on,
                                                                          "text": task.text})
    return task


GroupEntry = tuple[Official, str, str]  # official, role (GroupRole), duty


def _group_snapshot(campaign: Campaign) -> list[dict[str, str]]:
    return [{"official": m.official.name, "org": m.official.org.code, "role": m.role, "duty": m.duty}
            for m in LeadingGroupMember.objects.filter(campaign=campaign).select_related("official__org")
            .order_by("role", "pk")]


@transaction.atomic
def leading_group_set(*, actor: User | None, campaign: Campaign, members: Sequence[GroupEntry]) -> None:
    """领导小组: name the whole group at once (组长 one, 副组长, 成员, 办公室), drawn from the officials of the
    organiser's scope; the previous group is replaced, in one transaction, audited."""
    require_manager(actor, campaign)
    errors = []
    heads = [entry for entry in members if entry[1] == GroupRole.HEAD]
    if len(heads) > 1:
        errors.append(_("A leading group has one head (组长); %(n)d are named.") % {"n": len(heads)})
    if members and not heads:
        errors.append(_("Name the head (组长) of the leading group."))
    seen: set[int] = set()
    allowed = set(group_candidates(campaign).filter(pk__in=[o.pk for o, _r, _d in members])
                  .values_list("pk", flat=True))
    for official, role, duty in members:
        if role not in GroupRole.values:
            errors.append(_("Unknown role in the group: %(role)s.") % {"role": role})
        if official.pk in seen:
            errors.append(_("%(name)s is named twice.") % {"name": official.name})
        seen.add(official.pk)
        if official.pk not in allowed:
            errors.append(_("%(name)s is not an official of %(unit)s or of a unit under it.")
                          % {"name": official.name, "unit": campaign.organiser.name})
        if len(duty.strip()) > 100:
            errors.append(_("The duty of %(name)s is longer than 100 characters.") % {"name": official.name})
    if errors:
        raise ValidationError(errors)
    before = _group_snapshot(campaign)
    LeadingGroupMember.objects.filter(campaign=campaign).delete()
    LeadingGroupMember.objects.bulk_create(
        LeadingGroupMember(campaign=campaign, official=official, role=role, duty=duty.strip())
        for official, role, duty in members)
    after = _group_snapshot(campaign)
    if before != after:
        audit_log(actor=actor, action="campaign.update", obj=campaign, before={"leading_group": before},
                  after={"leading_group": after})
