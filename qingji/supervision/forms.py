from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy, pgettext_lazy

from qingji.organisations.models import Org
from qingji.supervision.models import Channel
from qingji.web.forms import BootstrapMixin, model_choice_field

DATE = {"type": "date"}


class ReminderForm(BootstrapMixin, forms.Form):
    channel = forms.ChoiceField(label=gettext_lazy("Channel"), choices=Channel.choices)
    sent_on = forms.DateField(label=gettext_lazy("Sent on"), widget=forms.DateInput(DATE, "%Y-%m-%d"))
    response_due = forms.DateField(label=gettext_lazy("Response due"), widget=forms.DateInput(DATE, "%Y-%m-%d"))
    content = forms.CharField(label=gettext_lazy("What the unit is asked to do"),
                              widget=forms.Textarea(attrs={"rows": 4}))


class ResponseForm(BootstrapMixin, forms.Form):
    responded_on = forms.DateField(label=gettext_lazy("Responded on"), widget=forms.DateInput(DATE, "%Y-%m-%d"))
    response = forms.CharField(label=gettext_lazy("The unit's response"), widget=forms.Textarea(attrs={"rows": 4}))


class RectificationForm(BootstrapMixin, forms.Form):
    org = forms.ModelChoiceField(label=pgettext_lazy("campaign", "Unit"), queryset=Org.objects.none(),
                                 to_field_name="code")
    problem = forms.CharField(label=gettext_lazy("Problem to fix"), widget=forms.Textarea(attrs={"rows": 3}))
    issued_on = forms.DateField(label=gettext_lazy("Issued on"), widget=forms.DateInput(DATE, "%Y-%m-%d"))
    due_on = forms.DateField(label=pgettext_lazy("campaign", "Due on"), widget=forms.DateInput(DATE, "%Y-%m-%d"))

    def __init__(self, *args: Any, orgs: QuerySet[Org], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        model_choice_field(self, "org").queryset = orgs


class CloseForm(BootstrapMixin, forms.Form):
    closed_on = forms.DateField(label=gettext_lazy("Closed on"), widget=forms.DateInput(DATE, "%Y-%m-%d"))
    closure_note = forms.CharField(label=gettext_lazy("How it was fixed"))
