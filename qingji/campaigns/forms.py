"""Campaign set-up: scope, phases, milestones, cadence, and the bulletin and assessment rules."""

import datetime as dt
from decimal import Decimal, InvalidOperation
from typing import Any

from django import forms
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from qingji.campaigns.models import DEFAULT_PHASES, DEFAULT_RULES, DEFAULT_WEIGHTS, Cadence, Campaign
from qingji.ledger.models import Source
from qingji.organisations.models import Org, OrgKind
from qingji.web.forms import BootstrapMixin, model_choice_field

DATE = {"type": "date"}
WEIGHT_LABELS = {
    "settlement_rate": gettext_lazy("Weight: settlement rate"), "overdue": gettext_lazy("Weight: overdue cases"),
    "rebound": gettext_lazy("Weight: cases petitioned again"),
    "sample_check": gettext_lazy("Weight: sample-check pass rate"), "bulletins": gettext_lazy("Weight: bulletins"),
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


def parse_milestones(text: str) -> list[tuple[dt.date, Decimal]]:
    milestones = []
    for number, line in enumerate(text.splitlines(), start=1):
        parts = line.replace("%", " ").split()
        if not parts:
            continue
        if len(parts) != 2:
            raise forms.ValidationError(_("Line %(n)d: write the date and the target rate.") % {"n": number})
        try:
            target = Decimal(parts[1])
        except InvalidOperation as error:
            raise forms.ValidationError(_("Line %(n)d: “%(text)s” is not a rate.")
                                        % {"n": number, "text": parts[1]}) from error
        milestones.append((_date(parts[0], number), target))
    return milestones


def default_phases_text(starts_on: dt.date) -> str:
    return "\n".join(f"{name} {starts_on} {starts_on}" for name in (str(p) for p in DEFAULT_PHASES))


class CampaignForm(BootstrapMixin, forms.Form):
    code = forms.CharField(label=gettext_lazy("Code"), max_length=32)
    name = forms.CharField(label=gettext_lazy("Name"), max_length=200)
    starts_on = forms.DateField(label=gettext_lazy("Starts on"), widget=forms.DateInput(DATE, "%Y-%m-%d"))
    ends_on = forms.DateField(label=gettext_lazy("Ends on"), widget=forms.DateInput(DATE, "%Y-%m-%d"))
    cutoff_date = forms.DateField(label=gettext_lazy("Cut-off date"), required=False,
                                  widget=forms.DateInput(DATE, "%Y-%m-%d"),
                                  help_text=gettext_lazy("Cases registered by this day and not settled as of it "
                                                         "join the campaign."))
    bulletin_cadence = forms.ChoiceField(label=gettext_lazy("Bulletin cadence"), choices=Cadence.choices)
    sources = forms.MultipleChoiceField(label=gettext_lazy("Sources"), choices=Source.choices, required=False,
                                        widget=forms.CheckboxSelectMultiple,
                                        help_text=gettext_lazy("None chosen: every source."))
    units = forms.ModelMultipleChoiceField(label=gettext_lazy("Units"), queryset=Org.objects.none(), required=False,
                                           widget=forms.SelectMultiple(attrs={"size": 8}),
                                           help_text=gettext_lazy("None chosen: every unit in the committee's "
                                                                  "scope. A unit brings its subordinate units."))
    phases = forms.CharField(label=gettext_lazy("Phases"), widget=forms.Textarea(attrs={"rows": 5}), required=False,
                             help_text=gettext_lazy("One phase a line: name, first day, last day."))
    milestones = forms.CharField(label=gettext_lazy("Milestones"), widget=forms.Textarea(attrs={"rows": 4}),
                                 required=False,
                                 help_text=gettext_lazy("One milestone a line: date and target settlement rate "
                                                        "(per cent), e.g. 2012-01-31 65."))
    commend_top_share = forms.IntegerField(label=gettext_lazy("Commend: top share of units (%)"), min_value=0,
                                           max_value=100)
    criticise_bottom_share = forms.IntegerField(label=gettext_lazy("Criticise: bottom share of units (%)"),
                                                min_value=0, max_value=100)
    criticise_if_no_rise = forms.BooleanField(
        label=gettext_lazy("Criticise units below the milestone whose rate did not rise since the last bulletin"),
        required=False)
    explanation_after = forms.IntegerField(
        label=gettext_lazy("Written explanation after this many consecutive criticisms"), min_value=1)
    explanation_due_days = forms.IntegerField(label=gettext_lazy("Days to submit the written explanation"),
                                              min_value=1)

    def __init__(self, *args: Any, organiser: Org, campaign: Campaign | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        from qingji.organisations.selectors import org_scope_q

        model_choice_field(self, "units").queryset = (Org.objects.filter(org_scope_q(organiser))
                                                      .exclude(kind=OrgKind.COMMITTEE))
        for key, value in DEFAULT_WEIGHTS.items():
            self.fields[f"weight_{key}"] = forms.IntegerField(label=WEIGHT_LABELS[key], min_value=0, initial=value)
            self.fields[f"weight_{key}"].widget.attrs["class"] = "form-control form-control-sm"
        if campaign is not None:
            self.fields["code"].disabled = True

    def clean_phases(self) -> list[tuple[str, dt.date, dt.date]]:
        return parse_phases(self.cleaned_data["phases"])

    def clean_milestones(self) -> list[tuple[dt.date, Decimal]]:
        return parse_milestones(self.cleaned_data["milestones"])

    def service_kwargs(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {
            "name": data["name"], "starts_on": data["starts_on"], "ends_on": data["ends_on"],
            "cutoff_date": data["cutoff_date"], "sources": data["sources"], "units": list(data["units"]),
            "phases": data["phases"], "milestones": data["milestones"], "bulletin_cadence": data["bulletin_cadence"],
            "rules": {k: data[k] for k in DEFAULT_RULES},
            "weights": {k: data[f"weight_{k}"] for k in DEFAULT_WEIGHTS},
        }

    @staticmethod
    def initial_for(campaign: Campaign | None, today: dt.date) -> dict[str, Any]:
        if campaign is None:
            return {**DEFAULT_RULES, "starts_on": today, "bulletin_cadence": Cadence.MONTHLY,
                    "phases": default_phases_text(today)}
        return {
            "code": campaign.code, "name": campaign.name, "starts_on": campaign.starts_on,
            "ends_on": campaign.ends_on, "cutoff_date": campaign.cutoff_date, "sources": campaign.sources,
            "units": list(campaign.units.all()), "bulletin_cadence": campaign.bulletin_cadence,
            "phases": "\n".join(f"{p.name} {p.starts_on} {p.ends_on}" for p in campaign.phases.all()),
            "milestones": "\n".join(f"{m.date} {m.target_rate.normalize():f}" for m in campaign.milestones.all()),
            **{k: campaign.rule(k) for k in DEFAULT_RULES},
            **{f"weight_{k}": v for k, v in campaign.all_weights.items()},
        }


class IssueForm(BootstrapMixin, forms.Form):
    as_of = forms.DateField(label=gettext_lazy("As of"), widget=forms.DateInput(DATE, "%Y-%m-%d"))
    cadence = forms.ChoiceField(label=gettext_lazy("Cadence from this bulletin on"), choices=Cadence.choices)


class ExplanationForm(BootstrapMixin, forms.Form):
    text = forms.CharField(label=gettext_lazy("Written explanation"), widget=forms.Textarea(attrs={"rows": 5}))


class VetoForm(BootstrapMixin, forms.Form):
    org = forms.CharField(widget=forms.HiddenInput)
    reason = forms.CharField(label=gettext_lazy("Reason for the veto"), required=False)
