"""Dashboard panels of the lifecycle: what waits for the user's decision, and visits due."""

from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _

from qingji.accounts.models import User
from qingji.lifecycle import policy, selectors
from qingji.web.dashboard import Panel, register_panel


def approvals_panel(user: User) -> dict[str, Any] | None:
    if not policy.could_decide(user):
        return None
    return {"title": _("Pending approvals"), "pending": selectors.pending_for(user)[:20], "steps": policy.STEPS}


def follow_ups_panel(user: User) -> dict[str, Any] | None:
    visits = list(selectors.due_follow_ups(user)[:20])
    if not visits:
        return None
    return {"title": _("Follow-up visits due"), "visits": visits, "today": timezone.localdate()}


register_panel(Panel("lifecycle/_dashboard_approvals.html", approvals_panel, order=25, width="col-lg-6"))
register_panel(Panel("lifecycle/_dashboard_follow_ups.html", follow_ups_panel, order=35, width="col-lg-6"))
