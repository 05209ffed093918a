"""Forms of the ledger pages. They validate input; the services do the writing."""

import datetime as dt
from typing import Any

from django import forms
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from qingji.ledger.models import (
    CASE_FLAGS,
    AidPayer,
    AttachmentKind,
    Case,
    Gender,
    Stage,
    WorkKind,
    case_field_label,
)
from qingji.ledger.vocabulary import CATEGORIES, SOURCES, Vocabulary
from qingji.organisations.models import Official, Org
from qingji.web.forms import BootstrapMixin, model_choice_field

DATE = forms.DateInput(format="%Y-%m-%d", attrs={"type": "date"})
SPLIT = str.maketrans({c: "\n" for c in "、,，;；"})


def split_lines(text: str) -> list[str]:
    return [part.strip() for part in (text or "").translate(SPLIT).splitlines() if part.strip()]


class PastDateField(forms.DateField):
    widget = DATE

    def validate(self, value: dt.date | None) -> None:
        super().validate(value)
        if value and value > timezone.localdate():
            raise forms.ValidationError(_("This date is in the future."))


class CaseForm(BootstrapMixin, forms.Form):
    ledger_no = forms.CharField(label=_("Ledger number"), required=False, max_length=50,
                                help_text=_("Leave blank to number it automatically."))
    handling_org = forms.ModelChoiceField(label=_("Handling unit"), queryset=Org.objects.none())
    summary = forms.CharField(label=_("Petition matter"), widget=forms.Textarea(attrs={"rows": 3}))
    category = forms.ChoiceField(label=_("Category"), required=False)
    stage = forms.ChoiceField(label=_("Stage involved"), choices=[("", "—"), *Stage.choices], required=False)
    source = forms.ChoiceField(label=_("Source"))
    first_petitioned_on = PastDateField(label=_("First petitioned on"), required=False)
    assigned_on = PastDateField(label=_("Handed down on"), required=False)
    registered_on = PastDateField(label=_("Registered on"), required=False)
    key_supervision = forms.CharField(label=_("Key supervision by"), required=False, max_length=50,
                                      help_text=_("e.g. 省委政法委; blank when none"))
    flags = forms.MultipleChoiceField(label=_("Flags"), required=False, widget=forms.CheckboxSelectMultiple,
                                      choices=[(f, case_field_label(f)) for f in CASE_FLAGS])
    docket_numbers = forms.CharField(label=_("Docket numbers"), required=False,
                                     widget=forms.Textarea(attrs={"rows": 2}),
                                     help_text=_("One per line, or separated by 、"))
    deadline = forms.DateField(label=_("Deadline"), required=False, widget=DATE)
    note = forms.CharField(label=_("Note"), required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args: Any, orgs: QuerySet[Org], vocabulary: Vocabulary | None = None,
                 keep: dict[str, str] | None = None, **kwargs: Any) -> None:
        """The sources and categories offered are the active ones of the chosen handling unit (the one posted,
        else the initial one); `keep` is a case's own codes, kept offered when retired (an edit)."""
        super().__init__(*args, **kwargs)
        units = orgs.exclude(kind="committee")
        model_choice_field(self, "handling_org").queryset = units
        self.vocabulary = vocabulary or Vocabulary()
        unit = self._chosen_unit(orgs)
        keep = keep or {}
        # The source is chosen, never defaulted to the first one (中央政法委交办); a category may stay empty.
        for name, key, blank in (("source", SOURCES, [("", "—")]), ("category", CATEGORIES, [("", "—")])):
            choices = self.vocabulary.choices(key, unit)
            kept = keep.get(name)
            if kept and kept not in dict(choices):
                choices.append((kept, self.vocabulary.label(key, kept, unit)))
            field = self.fields[name]
            assert isinstance(field, forms.ChoiceField)
            field.choices = [*blank, *choices]

    def _chosen_unit(self, orgs: QuerySet[Org]) -> Org | None:
        chosen = self.data.get("handling_org") if self.is_bound else None
        chosen = chosen or self.initial.get("handling_org")
        if isinstance(chosen, Org):
            return chosen
        if chosen and str(chosen).isdigit():
            return orgs.filter(pk=int(chosen)).first()
        return None

    def clean_category(self) -> Any:
        code = self.cleaned_data.get("category")
        return self.vocabulary.category(code) if code else None

    def clean_docket_numbers(self) -> list[str]:
        return split_lines(self.cleaned_data.get("docket_numbers", ""))


class CaseEditForm(CaseForm):
    version = forms.IntegerField(widget=forms.HiddenInput)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        del self.fields["ledger_no"]


class PetitionerForm(BootstrapMixin, forms.Form):
    """A new petitioner, entered with the case."""

    name = forms.CharField(label=_("Petitioner's name"), max_length=100)
    gender = forms.ChoiceField(label=_("Gender"), choices=[("", "—"), *Gender.choices], required=False)
    id_number = forms.CharField(label=_("ID number"), required=False, max_length=18)
    phone = forms.CharField(label=_("Phone"), required=False, max_length=30)
    address = forms.CharField(label=_("Address"), required=False, max_length=255)
    group_size = forms.IntegerField(label=_("Number of petitioners"), min_value=1, initial=1)


class ResponsibilityForm(BootstrapMixin, forms.Form):
    lead_official = forms.ModelChoiceField(label=_("Lead official"), queryset=Official.objects.none())
    supervising_official = forms.ModelChoiceField(label=_("Supervising official"), queryset=Official.objects.none(),
                                                  required=False)
    handlers = forms.ModelMultipleChoiceField(label=_("Handlers"), queryset=Official.objects.none(), required=False)
    watch_officer = forms.ModelChoiceField(label=_("Watch officer"), queryset=Official.objects.none(),
                                           required=False)
    head_of_unit = forms.ModelChoiceField(label=_("Head of unit"), queryset=Official.objects.none(), required=False)
    plan = forms.CharField(label=_("Plan"), widget=forms.Textarea(attrs={"rows": 3}))
    deadline = forms.DateField(label=_("Deadline"), widget=DATE)
    goal = forms.CharField(label=_("Goal"), widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args: Any, case: Case, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        chain = [case.handling_org_id]
        superior = case.handling_org.superior
        while superior is not None:
            chain.append(superior.pk)
            superior = superior.superior
        officials = Official.objects.filter(Q(org_id__in=chain)).select_related("org").order_by("org__path", "name")
        for name in ("lead_official", "supervising_official", "handlers", "watch_officer", "head_of_unit"):
            model_choice_field(self, name).queryset = officials


class WorkLogForm(BootstrapMixin, forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=WorkKind.choices)
    date = PastDateField(label=_("Date"))
    participants = forms.CharField(label=_("Participants"), required=False, max_length=255)
    content = forms.CharField(label=_("What was done"), widget=forms.Textarea(attrs={"rows": 3}))


class AidForm(BootstrapMixin, forms.Form):
    amount = forms.DecimalField(label=_("Amount (yuan)"), min_value=0.01, max_digits=12, decimal_places=2)
    date = PastDateField(label=_("Date"))
    payer = forms.ChoiceField(label=_("Paid from"), choices=AidPayer.choices)
    approval = forms.CharField(label=_("Approval"), required=False, max_length=200)


class AttachmentForm(BootstrapMixin, forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=AttachmentKind.choices)
    file = forms.FileField(label=_("File"))
