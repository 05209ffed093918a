"""`GET /api/v1/rules`: the rules in force, as `qingji rules show` gives them, for a unit or campaign in scope."""

import datetime as dt
from typing import Any

from ninja import Router

from qingji.accounts.http import AuthedRequest
from qingji.organisations.selectors import get_visible_org
from qingji.rules.selectors import RuleBook
from qingji.web.views_helpers import require_capability

router = Router(tags=["rules"])


@router.get("/rules", summary="The local rules in force (地方规则): every key with its value and where it comes from")
def rules_in_force(request: AuthedRequest, org: str | None = None, campaign: str | None = None,
                   as_of: dt.date | None = None) -> dict[str, Any]:
    from qingji.campaigns.selectors import get_visible_campaign

    require_capability(request, "rules.view")
    chosen_campaign = get_visible_campaign(request.user, campaign) if campaign else None
    unit = get_visible_org(request.user, code=org) if org else (None if chosen_campaign else request.user.org)
    rules = RuleBook(as_of).all(unit, chosen_campaign)
    return {key: {"value": r.value, "from": r.source} for key, r in rules.items()}
