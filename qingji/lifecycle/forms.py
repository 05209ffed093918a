"""Forms of the lifecycle pages. They validate input; the services do the writing."""

from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from qingji.ledger.forms import PastDateField
from qingji.ledger.models import Attachment, Case
from qingji.lifecycle.models import ClosureMethod, FollowUpResult, Outcome, Satisfaction
from qingji.organisations.models import Org
from qingji.web.forms import BootstrapMixin, model_choice_field


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    widget = MultipleFileInput

    def clean(self, data: Any, initial: Any = None) -> list[Any]:
        if isinstance(data, list | tuple):
            return [super(MultipleFileField, self).clean(d, initial) for d in data if d]
        return [super().clean(data, initial)] if data else []


class EvidenceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: Attachment) -> str:
        return f"{obj.original_name} ({obj.get_kind_display()})"


class EvidenceMixin(forms.Form):
    evidence_files = MultipleFileField(label=_("Upload evidence"), required=False,
                                       help_text=_("PDF, image, Word or Excel; several files at once are fine."))
    evidence = EvidenceField(label=_("Or choose files already attached"), required=False,
                             queryset=Attachment.objects.none(), widget=forms.CheckboxSelectMultiple)

    def __init__(self, *args: Any, case: Case | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if case is not None:
            model_choice_field(self, "evidence").queryset = case.attachments.order_by("-uploaded_at")


class ClosureRequestForm(BootstrapMixin, EvidenceMixin):
    method = forms.ChoiceField(label=_("Settlement method"), choices=ClosureMethod.choices)
    concluded_on = PastDateField(label=_("Concluded on"), help_text=_("The day the pledge was signed or the "
                                                                      "matter concluded."))
    note = forms.CharField(label=_("How the case was resolved"), widget=forms.Textarea(attrs={"rows": 3}))
    field_order = ["method", "concluded_on", "note", "evidence_files", "evidence"]


class TerminationForm(BootstrapMixin, EvidenceMixin):
    note = forms.CharField(label=_("Grounds for termination"), widget=forms.Textarea(attrs={"rows": 4}),
                           help_text=_("The matter has been handled according to law and reviewed; state why "
                                       "the petition should be terminated."))
    # 三级终结: asked where the unit's termination.requires holds "exhausted".
    handling_ref = forms.CharField(label=_("Reference of the handling decision (处理意见书)"), max_length=100,
                                   required=False)
    review_ref = forms.CharField(label=_("Reference of the review decision (复查意见书)"), max_length=100,
                                 required=False)
    re_review_ref = forms.CharField(label=_("Reference of the re-review decision (复核意见书)"), max_length=100,
                                    required=False)
    field_order = ["note", "handling_ref", "review_ref", "re_review_ref", "evidence_files", "evidence"]

    def __init__(self, *args: Any, exhausted: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if not exhausted:
            for name in ("handling_ref", "review_ref", "re_review_ref"):
                del self.fields[name]

    def exhausted(self) -> dict[str, str] | None:
        """The references of the three decisions, where the form asks for them."""
        if "handling_ref" not in self.fields:
            return None
        data = self.cleaned_data
        return {"handling": data.get("handling_ref", ""), "review": data.get("review_ref", ""),
                "re_review": data.get("re_review_ref", "")}


class DecisionForm(BootstrapMixin, forms.Form):
    step = forms.CharField(widget=forms.HiddenInput)
    decision = forms.ChoiceField(label=_("Decision"), choices=[("approve", _("Approve")),
                                                               ("return", _("Return with reasons"))],
                                 widget=forms.RadioSelect)
    outcome = forms.ChoiceField(label=_("Accept as"), choices=Outcome.choices, required=False)
    opinion = forms.CharField(label=_("Opinion"), required=False, widget=forms.Textarea(attrs={"rows": 3}))
    decided_on = PastDateField(label=_("Date"))

    def __init__(self, *args: Any, final_closure: bool = False, **kwargs: Any) -> None:
        kwargs.setdefault("initial", {}).setdefault("decided_on", timezone.localdate())
        super().__init__(*args, **kwargs)
        if not final_closure:
            del self.fields["outcome"]
        else:
            self.fields["outcome"].initial = Outcome.SETTLED

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("decision") == "return" and not (data.get("opinion") or "").strip():
            self.add_error("opinion", _("Give the reasons for returning it."))
        return data


class WithdrawForm(BootstrapMixin, forms.Form):
    reason = forms.CharField(label=_("Why it is withdrawn"), widget=forms.Textarea(attrs={"rows": 3}))


class ReopenForm(BootstrapMixin, forms.Form):
    petitioned_on = PastDateField(label=_("Petitioned again on"))
    channel = forms.CharField(label=_("Where"), required=False, max_length=100,
                              help_text=_("e.g. 赴省上访, 进京上访, 12337 letter"))
    description = forms.CharField(label=_("What happened"), widget=forms.Textarea(attrs={"rows": 3}))


class FollowUpForm(BootstrapMixin, forms.Form):
    done_on = PastDateField(label=_("Visited on"))
    visited_by = forms.CharField(label=_("Visited by"), required=False, max_length=100)
    result = forms.ChoiceField(label=_("Result"), choices=FollowUpResult.choices, widget=forms.RadioSelect)
    satisfaction = forms.ChoiceField(label=_("Satisfaction"), choices=[("", "—"), *Satisfaction.choices],
                                     required=False)
    note = forms.CharField(label=_("Note"), required=False, widget=forms.Textarea(attrs={"rows": 2}))


class SampleCheckForm(BootstrapMixin, forms.Form):
    unit: forms.ModelChoiceField = forms.ModelChoiceField(label=_("Unit to check"), queryset=None)
    percent = forms.IntegerField(label=_("Share of closed cases (%)"), min_value=1, max_value=100, initial=10)
    closed_by = PastDateField(label=_("Cases closed by"))
    due_on = forms.DateField(label=_("Check by"), widget=forms.DateInput(format="%Y-%m-%d",
                                                                        attrs={"type": "date"}))
    seed = forms.IntegerField(label=_("Random seed"), required=False, min_value=1,
                              help_text=_("Leave blank for a new draw; give an earlier seed to repeat a draw."))

    def __init__(self, *args: Any, units: QuerySet[Org] | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        model_choice_field(self, "unit").queryset = units
