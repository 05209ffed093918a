"""Campaign set-up: scope, phases, and the campaign's own rules (milestones, cadence, commendation and
criticism, written explanations, assessment), each left empty to inherit the organiser's rule, which the
field's help shows with where it comes from."""

import datetime as dt
from decimal import Decimal, InvalidOperation
from typing import Any, cast

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from qingji.campaigns.models import DEFAULT_PHASES, Cadence, Campaign, GroupRole
from qingji.campaigns.selectors import inherited_rules, milestone_date
from qingji.campaigns.services import campaign_source_choices
from qingji.organisations.models import Official, Org, OrgKind
from qingji.rules.keys import CRITERIA, clean_value
from qingji.rules.selectors import DEFAULT, Resolved, RuleBook
from qingji.web.forms import BootstrapMixin, model_choice_field

DATE = {"type": "date"}
WEIGHT_LABELS = {
    "settlement_rate": gettext_lazy("Weight: settlement rate"), "overdue": gettext_lazy("Weight: overdue cases"),
    "rebound": gettext_lazy("Weight: cases petitioned again"),
    "sample_check": gettext_lazy("Weight: sample-check pass rate"), "bulletins": gettext_lazy("Weight: bulletins"),
}
INHERIT = ""
COMMEND_MODES = [(INHERIT, gettext_lazy("Inherited")), ("top", gettext_lazy("The top units meeting the milestone")),
                 ("over_milestone", gettext_lazy("Every unit meeting the milestone"))]
CRITICISE_MODES = [(INHERIT, gettext_lazy("Inherited")), ("bottom", gettext_lazy("The bottom units below the "
                                                                                   "milestone")),
                   ("under_milestone", gettext_lazy("Every unit below the milestone"))]
# The form's fields for each campaign rule (qingji/rules/keys.py) it edits.
RULE_FIELDS = {
    "campaign.milestones": ("milestones",), "bulletin.cadence": ("bulletin_cadence",),
    "bulletin.commend": ("commend", "commend_n"), "bulletin.criticise": ("criticise", "criticise_n"),
    "bulletin.explanation_after": ("explanation_after",), "bulletin.explanation_due_days": ("explanation_due_days",),
    "assessment.weights": tuple(f"weight_{c}" for c in CRITERIA),
    "assessment.criticism_penalty": ("criticism_penalty",), "assessment.commendation_bonus": ("commendation_bonus",),
}


def _date(text: str, line: int) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError as error:
        raise forms.ValidationError(_("Line %(n)d: “%(text)s” is not a date (YYYY-MM-DD).")
                                    % {"n": line, "text": text}) from error


def parse_phases(text: str) -> list[tuple[str, dt.date, dt.date]]:
    phases = []
    for number, line in enumerate(text.splitlines(), start=1):
        parts = line.split()
        if not parts:
            continue
        if len(parts) != 3:
            raise forms.ValidationError(_("Line %(n)d: write the phase's name, first day and last day.")
                                        % {"n": number})
        phases.append((parts[0], _date(parts[1], number), _date(parts[2], number)))
    return phases


def _number(text: str) -> int | float:
    value = Decimal(text)
    if not value.is_finite():
        raise InvalidOperation
    return int(value) if value == value.to_integral_value() else float(value)


def parse_milestones(text: str) -> list[dict[str, Any]] | None:
    """One milestone a line: the month of the campaign and the target rate (`1 65` or `1 65%`); no line at
    all: inherited."""
    milestones = []
    for number, line in enumerate(text.splitlines(), start=1):
        parts = line.replace("%", " ").split()
        if not parts:
            continue
        if len(parts) != 2:
            raise forms.ValidationError(_("Line %(n)d: write the month of the campaign and the target rate.")
                                        % {"n": number})
        if not parts[0].isdigit():
            raise forms.ValidationError(_("Line %(n)d: “%(text)s” is not a month of the campaign (1, 2, 3…).")
                                        % {"n": number, "text": parts[0]})
        try:
            rate = _number(parts[1])
        except InvalidOperation as error:
            raise forms.ValidationError(_("Line %(n)d: “%(text)s” is not a rate.")
                                        % {"n": number, "text": parts[1]}) from error
        milestones.append({"month": int(parts[0]), "rate": rate})
    return milestones or None


def milestones_text(value: list[dict[str, Any]]) -> str:
    return "\n".join(f"{m['month']} {m['rate']}" for m in value)


def default_phases_text(starts_on: dt.date) -> str:
    return "\n".join(f"{name} {starts_on} {starts_on}" for name in (str(p) for p in DEFAULT_PHASES))


def rule_text(key: str, value: Any, starts_on: dt.date | None = None) -> str:
    """A rule's value as the form's help says it."""
    if key == "campaign.milestones":
        if not value:
            return _("none")
        return "; ".join(
            _("month %(m)d: %(rate)s%%") % {"m": m["month"], "rate": m["rate"]}
            + (f" ({milestone_date(starts_on, m['month'])})" if starts_on else "") for m in value)
    if key == "bulletin.cadence":
        return str(Cadence(value).label) if value in Cadence.values else str(value)
    if key == "bulletin.commend":
        return _("every unit meeting the milestone") if value == "over_milestone" else \
            _("the top %(n)d meeting the milestone") % {"n": value}
    if key == "bulletin.criticise":
        return _("every unit below the milestone") if value == "under_milestone" else \
            _("the bottom %(n)d below the milestone") % {"n": value}
    if key == "assessment.weights":
        return ", ".join(f"{WEIGHT_LABELS[c]} {value.get(c, 0)}" for c in CRITERIA)
    return str(value)


def source_text(resolved: Resolved, names: dict[str, str]) -> str:
    if resolved.source == DEFAULT:
        return _("the built-in default")
    return names.get(resolved.source, resolved.source)


class CampaignForm(BootstrapMixin, forms.Form):
    code = forms.CharField(label=gettext_lazy("Code"), max_length=32)
    name = forms.CharField(label=gettext_lazy("Name"), max_length=200)
    starts_on = forms.DateField(label=gettext_lazy("Starts on"), widget=forms.DateInput(DATE, "%Y-%m-%d"))
    ends_on = forms.DateField(label=gettext_lazy("Ends on"), widget=forms.DateInput(DATE, "%Y-%m-%d"))
    cutoff_date = forms.DateField(label=gettext_lazy("Cut-off date"), required=False,
                                  widget=forms.DateInput(DATE, "%Y-%m-%d"),
                                  help_text=gettext_lazy("Cases registered by this day and not settled as of it "
                                                         "join the campaign."))
    sources = forms.MultipleChoiceField(label=gettext_lazy("Sources"), choices=(), required=False,
                                        widget=forms.CheckboxSelectMultiple,
                                        help_text=gettext_lazy("None chosen: every source."))
    units = forms.ModelMultipleChoiceField(label=gettext_lazy("Units"), queryset=Org.objects.none(), required=False,
                                           widget=forms.SelectMultiple(attrs={"size": 8}),
                                           help_text=gettext_lazy("None chosen: every unit in the organiser's "
                                                                  "scope. A unit brings its subordinate units."))
    phases = forms.CharField(label=gettext_lazy("Phases"), widget=forms.Textarea(attrs={"rows": 5}), required=False,
                             help_text=gettext_lazy("One phase a line: name, first day, last day."))
    # The campaign's own rules: empty (or "Inherited") follows the organiser's rule.
    milestones = forms.CharField(label=gettext_lazy("Milestones"), widget=forms.Textarea(attrs={"rows": 4}),
                                 required=False)
    bulletin_cadence = forms.ChoiceField(label=gettext_lazy("Bulletin cadence"), required=False,
                                         choices=[(INHERIT, gettext_lazy("Inherited")), *Cadence.choices])
    commend = forms.ChoiceField(label=gettext_lazy("Commend"), choices=COMMEND_MODES, required=False)
    commend_n = forms.IntegerField(label=gettext_lazy("Commend: how many units"), min_value=0, max_value=100,
                                   required=False)
    criticise = forms.ChoiceField(label=gettext_lazy("Criticise"), choices=CRITICISE_MODES, required=False)
    criticise_n = forms.IntegerField(label=gettext_lazy("Criticise: how many units"), min_value=0, max_value=100,
                                     required=False)
    explanation_after = forms.IntegerField(
        label=gettext_lazy("Written explanation after this many consecutive criticisms"), min_value=1,
        required=False)
    explanation_due_days = forms.IntegerField(label=gettext_lazy("Days to submit the written explanation"),
                                              min_value=1, required=False)
    criticism_penalty = forms.DecimalField(label=gettext_lazy("Assessment points taken per criticism"),
                                           min_value=Decimal(0), max_value=Decimal(100), decimal_places=2,
                                           required=False)
    commendation_bonus = forms.DecimalField(label=gettext_lazy("Assessment points given per commendation"),
                                            min_value=Decimal(0), max_value=Decimal(100), decimal_places=2,
                                            required=False)
    reason = forms.CharField(label=gettext_lazy("Reason for changing the rules"), max_length=200, required=False,
                             help_text=gettext_lazy("Kept in the rules' history."))

    def __init__(self, *args: Any, organiser: Org, campaign: Campaign | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        from qingji.organisations.selectors import org_scope_q

        model_choice_field(self, "units").queryset = (Org.objects.filter(org_scope_q(organiser))
                                                      .exclude(kind=OrgKind.COMMITTEE))
        cast(forms.MultipleChoiceField, self.fields["sources"]).choices = campaign_source_choices(organiser)
        for criterion in CRITERIA:
            self.fields[f"weight_{criterion}"] = forms.DecimalField(
                label=WEIGHT_LABELS[criterion], min_value=Decimal(0), max_value=Decimal(1000), decimal_places=2,
                required=False, widget=forms.NumberInput(attrs={"class": "form-control form-control-sm"}))
        if campaign is not None:
            self.fields["code"].disabled = True
        else:
            del self.fields["reason"]
        self.inherited = inherited_rules(organiser)
        names = dict(Org.objects.filter(code__in=[r.source for r in self.inherited.values()])
                     .values_list("code", "name"))
        starts_on = campaign.starts_on if campaign is not None else None
        for key, fields in RULE_FIELDS.items():
            resolved = self.inherited[key]
            help_text = _("Empty: inherited, %(value)s (from %(source)s).") % {
                "value": rule_text(key, resolved.value, starts_on), "source": source_text(resolved, names)}
            if key == "campaign.milestones":
                help_text = _("One milestone a line: the month of the campaign and the target settlement rate "
                              "(per cent), e.g. 1 65; month 1 is due on the last day of the campaign's first "
                              "month.") + " " + help_text
            elif key == "assessment.weights":
                help_text = _("All empty: inherited (%(value)s, from %(source)s); one given: the others are "
                              "the inherited weights.") % {"value": rule_text(key, resolved.value),
                                                           "source": source_text(resolved, names)}
                self.fields[fields[0]].help_text = help_text
                continue
            self.fields[fields[-1]].help_text = help_text

    def clean_phases(self) -> list[tuple[str, dt.date, dt.date]]:
        return parse_phases(self.cleaned_data["phases"])

    def clean_milestones(self) -> list[dict[str, Any]] | None:
        return parse_milestones(self.cleaned_data["milestones"])

    def _rule_values(self) -> dict[str, Any]:
        data = self.cleaned_data
        values: dict[str, Any] = {"campaign.milestones": data.get("milestones"),
                                  "bulletin.cadence": data.get("bulletin_cadence") or None}
        for key, mode, count, word in (("bulletin.commend", "commend", "commend_n", "over_milestone"),
                                       ("bulletin.criticise", "criticise", "criticise_n", "under_milestone")):
            chosen = data.get(mode)
            if chosen == word:
                values[key] = word
            elif chosen:
                if data.get(count) is None:
                    self.add_error(count, _("Give how many units."))
                values[key] = data.get(count)
            else:
                values[key] = None
        for key, field in (("bulletin.explanation_after", "explanation_after"),
                           ("bulletin.explanation_due_days", "explanation_due_days")):
            values[key] = data.get(field)
        for key, field in (("assessment.criticism_penalty", "criticism_penalty"),
                           ("assessment.commendation_bonus", "commendation_bonus")):
            values[key] = None if data.get(field) is None else _number(str(data[field]))
        given = {c: data.get(f"weight_{c}") for c in CRITERIA}
        if all(v is None for v in given.values()):
            values["assessment.weights"] = None
        else:
            inherited = self.inherited["assessment.weights"].value
            values["assessment.weights"] = {c: _number(str(v)) if v is not None else inherited.get(c, 0)
                                            for c, v in given.items()}
        return values

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if self.errors:
            return data
        values = self._rule_values()
        for key, value in values.items():
            if value is None:
                continue
            try:
                clean_value(key, value, campaign=True)
            except ValidationError as error:
                self.add_error(RULE_FIELDS[key][-1] if key != "assessment.weights" else RULE_FIELDS[key][0],
                               error.messages)
        data["rules"] = values
        return data

    def service_kwargs(self) -> dict[str, Any]:
        data = self.cleaned_data
        kwargs = {
            "name": data["name"], "starts_on": data["starts_on"], "ends_on": data["ends_on"],
            "cutoff_date": data["cutoff_date"], "sources": data["sources"], "units": list(data["units"]),
            "phases": data["phases"], "rules": data["rules"],
        }
        if "reason" in self.fields:
            kwargs["reason"] = data.get("reason", "")
        return kwargs

    @staticmethod
    def initial_for(campaign: Campaign | None, today: dt.date) -> dict[str, Any]:
        if campaign is None:
            return {"starts_on": today, "phases": default_phases_text(today)}
        own = RuleBook().own(campaign=campaign)
        initial: dict[str, Any] = {
            "code": campaign.code, "name": campaign.name, "starts_on": campaign.starts_on,
            "ends_on": campaign.ends_on, "cutoff_date": campaign.cutoff_date, "sources": campaign.sources,
            "units": list(campaign.units.all()),
            "phases": "\n".join(f"{p.name} {p.starts_on} {p.ends_on}" for p in campaign.phases.all()),
        }
        if "campaign.milestones" in own:
            initial["milestones"] = milestones_text(own["campaign.milestones"])
        if "bulletin.cadence" in own:
            initial["bulletin_cadence"] = own["bulletin.cadence"]
        for key, mode, count, word, number_mode in (
                ("bulletin.commend", "commend", "commend_n", "over_milestone", "top"),
                ("bulletin.criticise", "criticise", "criticise_n", "under_milestone", "bottom")):
            if key in own:
                initial[mode] = word if own[key] == word else number_mode
                if own[key] != word:
                    initial[count] = own[key]
        for key, field in (("bulletin.explanation_after", "explanation_after"),
                           ("bulletin.explanation_due_days", "explanation_due_days"),
                           ("assessment.criticism_penalty", "criticism_penalty"),
                           ("assessment.commendation_bonus", "commendation_bonus")):
            if key in own:
                initial[field] = own[key]
        if "assessment.weights" in own:
            initial.update({f"weight_{c}": own["assessment.weights"].get(c, 0) for c in CRITERIA})
        return initial


class IssueForm(BootstrapMixin, forms.Form):
    as_of = forms.DateField(label=gettext_lazy("As of"), widget=forms.DateInput(DATE, "%Y-%m-%d"))
    cadence = forms.ChoiceField(label=gettext_lazy("Cadence from this bulletin on"), choices=Cadence.choices,
                                required=False)


class ExplanationForm(BootstrapMixin, forms.Form):
    text = forms.CharField(label=gettext_lazy("Written explanation"), widget=forms.Textarea(attrs={"rows": 5}))


class VetoForm(BootstrapMixin, forms.Form):
    org = forms.CharField(widget=forms.HiddenInput)
    reason = forms.CharField(label=gettext_lazy("Reason for the veto"), required=False)


class OfficialField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.name}（{obj.org.name}{'·' + obj.title if obj.title else ''}）"


class GroupMemberForm(BootstrapMixin, forms.Form):
    """One member of the leading group: an official of the organiser's scope, the role, the duty."""

    official = OfficialField(label=gettext_lazy("Official"), queryset=Official.objects.none(), required=False)
    role = forms.ChoiceField(label=gettext_lazy("Role in the group"), choices=[("", "—"), *GroupRole.choices],
                             required=False)
    duty = forms.CharField(label=gettext_lazy("Duty"), max_length=100, required=False)

    def __init__(self, *args: Any, candidates: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = model_choice_field(self, "official")
        field.queryset = candidates if candidates is not None else Official.objects.none()

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("official") is not None and not data.get("role"):
            self.add_error("role", _("Choose the official's role in the group."))
        return data


class BaseGroupFormSet(forms.BaseFormSet):
    def __init__(self, *args: Any, candidates: Any = None, **kwargs: Any) -> None:
        self.candidates = candidates
        super().__init__(*args, **kwargs)

    def get_form_kwargs(self, index: int | None) -> dict[str, Any]:
        return {**super().get_form_kwargs(index), "candidates": self.candidates}

    def members(self) -> list[tuple[Official, str, str]]:
        return [(f.cleaned_data["official"], f.cleaned_data["role"], f.cleaned_data.get("duty", ""))
                for f in self.forms if f.cleaned_data.get("official") is not None]


GroupFormSet = cast(type[BaseGroupFormSet], forms.formset_factory(
    GroupMemberForm, formset=BaseGroupFormSet, extra=4, max_num=60, validate_max=True))
