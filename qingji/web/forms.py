"""Form helpers shared by the parts."""

from typing import Any

from django import forms


class BootstrapMixin:
    """Gives every widget Bootstrap's classes, so templates can render fields plainly."""

    fields: dict[str, forms.Field]  # the form's, which this is mixed into

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            widget = field.widget
            if isinstance(widget, forms.CheckboxSelectMultiple | forms.RadioSelect | forms.CheckboxInput):
                widget.attrs.setdefault("class", "form-check-input")
            elif isinstance(widget, forms.Select | forms.SelectMultiple):
                widget.attrs.setdefault("class", "form-select form-select-sm")
            else:
                widget.attrs.setdefault("class", "form-control form-control-sm")


def model_choice_field(form: forms.BaseForm, name: str) -> forms.ModelChoiceField:
    """The form's own copy of one of its model choice fields, to set its queryset (`form.fields` holds
    plain fields as far as the types know)."""
    field = form.fields[name]
    if not isinstance(field, forms.ModelChoiceField):
        raise TypeError(f"{name} is not a model choice field")
    return field
