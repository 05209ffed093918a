"""Checks shared by a service and the pages that offer its action.

A check is a function `check_<action>(user, obj, …)` that returns when `user` may do the action to `obj` now
(scope, role and state) and raises the refusal otherwise: PermissionDenied for the scope or the role,
ValidationError for the state. The service calls it and lets the refusal through; a page calls `allowed` to
decide whether to show the button, so a page never offers what the service refuses, nor hides what it accepts.
"""

from collections.abc import Callable
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError


def allowed(check: Callable[..., None], *args: Any, **kwargs: Any) -> bool:
    """Whether `check` lets the action through."""
    try:
        check(*args, **kwargs)
    except (PermissionDenied, ValidationError):
        return False
    return True
