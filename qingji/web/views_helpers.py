"""What every part's views share: the role check that opens a page, and a service's errors on a form."""

from django import forms
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest
from django.utils.translation import gettext as _

from qingji.accounts.roles import has_capability


def require_capability(request: HttpRequest, capability: str) -> None:
    """403 unless the signed-in account's role has the capability (the API answers with the message)."""
    if not has_capability(request.user, capability):
        raise PermissionDenied(_("Your role does not allow this."))


def apply_errors(form: forms.BaseForm, error: ValidationError) -> None:
    """A service's ValidationError on the form: each field's messages under that field, the rest above it."""
    if hasattr(error, "error_dict"):
        for field, messages in error.message_dict.items():
            form.add_error(field if field in form.fields else None, messages)
    else:
        form.add_error(None, error.messages)
