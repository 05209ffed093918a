"""Dashboard panel: unread notifications and reminders waiting for the unit's response."""

from typing import Any

from django.utils import timezone

from qingji.accounts.models import User
from qingji.accounts.roles import has_capability
from qingji.supervision.selectors import notifications_for, visible_reminders
from qingji.web.dashboard import Panel, register_panel


def supervision_panel(user: User) -> dict[str, Any] | None:
    if not has_capability(user, "supervision.view"):
        return None
    unread = notifications_for(user).filter(read_at__isnull=True)
    waiting = visible_reminders(user).filter(responded_on__isnull=True, case__handling_org=user.org)
    return {"unread": unread.count(), "latest": list(unread[:5]), "waiting": waiting.count(),
            "today": timezone.localdate()}


register_panel(Panel("supervision/_dashboard.html", supervision_panel, order=25, width="col-lg-6"))
