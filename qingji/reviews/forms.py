from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from qingji.ledger.forms import PastDateField
from qingji.ledger.models import MatterStage
from qingji.organisations.models import Org
from qingji.reviews.models import AccountabilityKind, Grade
from qingji.web.forms import BootstrapMixin, model_choice_field


class MatterForm(BootstrapMixin, forms.Form):
    docket_number = forms.CharField(label=_("Docket number"), max_length=100)
    stage = forms.ChoiceField(label=_("Stage"), choices=[("", "—"), *MatterStage.choices], required=False)
    org = forms.ModelChoiceField(label=_("Decided by"), queryset=Org.objects.none(), required=False)

    def __init__(self, *args: Any, units: QuerySet[Org] | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if units is not None:
            model_choice_field(self, "org").queryset = units


class ReviewForm(BootstrapMixin, forms.Form):
    grade = forms.TypedChoiceField(label=_("Grade"), choices=Grade.choices, coerce=int, widget=forms.RadioSelect)
    findings = forms.CharField(label=_("Findings"), required=False, widget=forms.Textarea(attrs={"rows": 2}))
    reviewed_on = PastDateField(label=_("Reviewed on"))


class ActionForm(BootstrapMixin, forms.Form):
    kind = forms.ChoiceField(label=_("Accountability measure"), choices=AccountabilityKind.choices)
    person = forms.CharField(label=_("Person"), max_length=100)
    date = PastDateField(label=_("Date"))
    note = forms.CharField(label=_("Note"), required=False, max_length=500)
