"""The checks every ledger service makes: the actor's role and scope, and dates not in the future."""

import datetime as dt

from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

from qingji.accounts.models import User
from qingji.accounts.roles import has_capability
from qingji.organisations.models import Org
from qingji.organisations.selectors import visible_orgs


def require(actor: User | None, capability: str, org: Org | None = None) -> None:
    """Role and scope check for services; `actor=None` is the system (imports, demo, commands)."""
    if actor is None:
        return
    if not has_capability(actor, capability):
        raise PermissionDenied(_("Your role does not allow this."))
    if org is not None and not visible_orgs(actor).filter(pk=org.pk).exists():
        raise PermissionDenied(_("This unit is outside your scope."))


def check_not_future(value: dt.date | None, label: str, today: dt.date | None = None) -> None:
    if value and value > (today or timezone.localdate()):
        raise ValidationError({label: _("This date is in the future.")})
