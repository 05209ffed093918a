"""The form of one rule on the page 地方规则设置: set it (or unset it) with a reason.

A structured rule (a list, a map) is entered as JSON, a scalar as a simple field (a number, yes/no, the
cadence, top N or everyone over/under the milestone). The form only turns the input into a value: whether
the value is allowed is `rule_set`'s check, the same as the command line's, shown on the form.
"""

import json
from decimal import Decimal
from typing import Any

from django import forms
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext_lazy

from qingji.rules.display import CADENCE_LABELS, EXAMPLES, EXPLANATIONS, VERDICT_WORDS, as_json
from qingji.rules.keys import KEYS
from qingji.web.forms import BootstrapMixin

VERDICTS = {"bulletin.commend": "over_milestone", "bulletin.criticise": "under_milestone"}
COUNT = "count"
VOCABULARIES = ("sources", "categories")
NEW_ROWS = 3  # empty rows offered for new entries


def editor_of(key: str) -> str:
    """list (a table of code, label, offered), json, bool, number, cadence or verdict."""
    if key in VOCABULARIES:
        return "list"
    if key == "bulletin.cadence":
        return "cadence"
    if key in VERDICTS:
        return "verdict"
    default = KEYS[key].default
    if isinstance(default, bool):
        return "bool"
    if isinstance(default, int | float):
        return "number"
    return "json"


def slug_of(key: str) -> str:
    return key.replace(".", "-").replace("_", "-")


class RuleForm(BootstrapMixin, forms.Form):
    key = forms.CharField(widget=forms.HiddenInput)
    # Sent by the button pressed (Set or Unset), not rendered as a field.
    action = forms.ChoiceField(choices=[("set", "set"), ("unset", "unset")])
    reason = forms.CharField(label=gettext_lazy("Reason for the change"), max_length=500,
                             widget=forms.TextInput(attrs={"autocomplete": "off"}))

    def __init__(self, key: str, in_force: Any, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("auto_id", f"id_{slug_of(key)}_%s")
        super().__init__(*args, **kwargs)
        self.rule_key = key
        self.editor = editor_of(key)
        self.fields["key"].initial = key
        unsetting = self.data.get("action") == "unset"
        for name, field in self._value_fields(in_force).items():
            field.required = field.required and not unsetting
            self.fields[name] = field
            # BootstrapMixin styled the declared fields only.
            widget = field.widget
            widget.attrs.setdefault("class", "form-select form-select-sm" if isinstance(widget, forms.Select)
                                    else "form-check-input" if isinstance(widget, forms.CheckboxInput)
                                    else "form-control form-control-sm")
        self.order_fields([n for n in self.fields if n != "reason"] + ["reason"])

    def _list_fields(self, in_force: list[dict[str, Any]]) -> dict[str, forms.Field]:
        """One row per entry in force (its code fixed, its label and whether it is offered editable), then
        empty rows for new entries. A code in use cannot be dropped: it is retired by unticking it."""
        fields: dict[str, forms.Field] = {}
        self.list_rows: list[tuple[str, str, str]] = []
        for i, entry in enumerate([*in_force, *([{"code": "", "label": "", "active": True}] * NEW_ROWS)]):
            new = i >= len(in_force)
            fields[f"code_{i}"] = forms.CharField(label=pgettext_lazy("rule entry", "Code"), initial=entry["code"],
                                                  required=False, max_length=30, disabled=not new)
            fields[f"label_{i}"] = forms.CharField(label=gettext_lazy("Label"), initial=entry["label"],
                                                   required=False, max_length=50)
            fields[f"active_{i}"] = forms.BooleanField(label=gettext_lazy("Offered"), required=False,
                                                       initial=bool(entry.get("active", True)))
            self.list_rows.append((f"code_{i}", f"label_{i}", f"active_{i}"))
        self.list_size = len(in_force)
        return fields

    def _value_fields(self, in_force: Any) -> dict[str, forms.Field]:
        label = pgettext_lazy("rule", "Value")
        if self.editor == "list":
            return self._list_fields(in_force)
        if self.editor == "json":
            example = EXAMPLES.get(self.rule_key)
            help_text = _("JSON. For example: %(example)s") % {
                "example": json.dumps(example, ensure_ascii=False)} if example is not None else _("JSON.")
            return {"value": forms.CharField(label=label, initial=as_json(in_force), help_text=help_text,
                                             widget=forms.Textarea(attrs={"rows": min(16, 3 + as_json(
                                                 in_force).count("\n")), "class": "form-control form-control-sm "
                                                 "font-monospace", "spellcheck": "false"}))}
        if self.editor == "bool":
            return {"value": forms.TypedChoiceField(label=label, choices=[("true", _("Yes")), ("false", _("No"))],
                                                    coerce=lambda v: v == "true",
                                                    initial="true" if in_force else "false")}
        if self.editor == "number":
            return {"value": forms.DecimalField(label=label, initial=in_force,
                                                widget=forms.NumberInput(attrs={"step": "any"}))}
        if self.editor == "cadence":
            return {"value": forms.ChoiceField(label=label, initial=in_force,
                                               choices=[(c, str(t)) for c, t in CADENCE_LABELS.items()])}
        word = VERDICTS[self.rule_key]
        return {
            "mode": forms.ChoiceField(label=label, initial=word if in_force == word else COUNT,
                                      choices=[(COUNT, _("A number of units")), (word, str(VERDICT_WORDS[word]))]),
            "count": forms.IntegerField(label=gettext_lazy("Number of units"), required=False, min_value=0,
                                        initial=in_force if isinstance(in_force, int) else None),
        }

    @property
    def explanation(self) -> str:
        return str(EXPLANATIONS.get(self.rule_key, ""))

    def clean_key(self) -> str:
        if self.cleaned_data["key"] != self.rule_key:
            raise forms.ValidationError(_("The form is for another rule."))
        return self.rule_key

    def clean_value(self) -> Any:
        value = self.cleaned_data.get("value")
        if self.editor == "json" and isinstance(value, str) and value.strip():
            try:
                return json.loads(value)
            except json.JSONDecodeError as error:
                raise forms.ValidationError(_("The value is not JSON (%(error)s, line %(line)d).")
                                            % {"error": error.msg, "line": error.lineno}) from None
        if isinstance(value, Decimal):
            return int(value) if value == value.to_integral_value() else float(value)
        return value

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if self.editor == "verdict" and data.get("action") == "set" and data.get("mode") == COUNT \
                and data.get("count") is None:
            self.add_error("count", _("Give the number of units."))
        return data

    @property
    def unsetting(self) -> bool:
        return self.cleaned_data.get("action") == "unset"

    @property
    def rows(self) -> list[list[forms.BoundField]]:
        """The list editor's rows, each (code, label, offered), for the template."""
        return [[self[name] for name in row] for row in getattr(self, "list_rows", [])]

    def rule_value(self) -> Any:
        """The value entered, for `rule_set` to check."""
        if self.editor == "list":
            entries = []
            for position, (code, label, active) in enumerate(self.list_rows):
                code_value = str(self.cleaned_data.get(code) or "").strip()
                label_value = str(self.cleaned_data.get(label) or "").strip()
                if position >= self.list_size and not code_value and not label_value:
                    continue  # an empty new row
                entries.append({"code": code_value, "label": label_value,
                                "active": bool(self.cleaned_data.get(active))})
            return entries
        if self.editor == "verdict":
            mode = self.cleaned_data["mode"]
            return self.cleaned_data["count"] if mode == COUNT else mode
        return self.cleaned_data["value"]
