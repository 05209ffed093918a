"""Dashboard panel: the campaigns running now, each against its milestone."""

from typing import Any

from django.utils import timezone

from qingji.accounts.models import User
from qingji.accounts.roles import has_capability
from qingji.campaigns.selectors import progress, visible_campaigns
from qingji.web.dashboard import Panel, register_panel


def campaigns_panel(user: User) -> dict[str, Any] | None:
    if not has_capability(user, "campaign.view"):
        return None
    today = timezone.localdate()
    running = visible_campaigns(user).filter(starts_on__lte=today, ends_on__gte=today)[:3]
    rows = [{"campaign": c, "progress": progress(user, c, today)} for c in running]
    return {"rows": rows} if rows else None


register_panel(Panel("campaigns/_dashboard.html", campaigns_panel, order=20, width="col-lg-6"))
