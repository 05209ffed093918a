"""Campaigns, bulletins and notifications in the JSON API: the same selectors and services as the pages."""

import datetime as dt
from typing import Any

from django.core.exceptions import PermissionDenied
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Router, Schema, Status

from qingji.accounts.http import AuthedRequest
from qingji.campaigns import selectors
from qingji.campaigns.bulletins import bulletin_issue
from qingji.campaigns.models import Cadence
from qingji.rules.selectors import RuleBook
from qingji.supervision.selectors import notifications_for
from qingji.web.views_helpers import require_capability

router = Router(tags=["campaigns"])


class CampaignOut(Schema):
    code: str
    name: str
    organiser: str
    starts_on: dt.date
    ends_on: dt.date
    bulletin_cadence: str


class IssueIn(Schema):
    as_of: dt.date
    cadence: Cadence | None = None


@router.get("/campaigns", response=list[CampaignOut], summary="Campaigns in my scope (专项活动)")
def list_campaigns(request: AuthedRequest) -> list[dict[str, Any]]:
    require_capability(request, "campaign.view")
    book = RuleBook()
    return [{"code": c.code, "name": c.name, "organiser": c.organiser.code, "starts_on": c.starts_on,
             "ends_on": c.ends_on, "bulletin_cadence": book.value("bulletin.cadence", campaign=c)}
            for c in selectors.visible_campaigns(request.user).order_by("-starts_on", "code")]


@router.get("/campaigns/{code}/progress", response=dict, summary="Progress against the milestones")
def campaign_progress(request: AuthedRequest, code: str, as_of: dt.date | None = None) -> dict[str, Any]:
    campaign = selectors.get_visible_campaign(request.user, code)
    require_capability(request, "campaign.view")
    seen = selectors.progress(request.user, campaign, as_of or timezone.localdate())
    milestone = lambda m: m and {"month": m.month, "date": m.date, "target": str(m.target_rate)}  # noqa: E731
    return {
        "summary": seen["report"], "behind": seen["behind"], "in_force": milestone(seen["in_force"]),
        "next": milestone(seen["next"]), "needed_for_next": seen["needed"],
        "milestones": [{"month": m["month"], "date": m["date"], "target": str(m["target"]), "actual": m["actual"],
                        "met": m["met"]} for m in seen["milestones"]],
        "units": [{"org": u["org"], "name": u["name"], "total": u["total"], "settled": u["settled"],
                   "settlement_rate": u["settlement_rate"], "overdue": u["overdue"], "meets": u["meets"],
                   "needed_for_next": u["needed"]} for u in seen["units"]],
    }


@router.get("/campaigns/{code}/bulletins/{number}", response=dict, summary="An issued bulletin, as frozen")
def get_bulletin(request: AuthedRequest, code: str, number: int) -> dict[str, Any]:
    bulletin = selectors.get_visible_bulletin(request.user, code, number)
    require_capability(request, "campaign.view")
    return bulletin.snapshot


@router.post("/campaigns/{code}/bulletins", response={201: dict}, summary="Issue the next bulletin (通报)")
def issue_bulletin(request: AuthedRequest, code: str, payload: IssueIn) -> Status:
    campaign = selectors.get_visible_campaign(request.user, code)
    require_capability(request, "bulletin.issue")
    if not selectors.can_manage(request.user, campaign):
        raise PermissionDenied(_("This campaign is run by another unit."))
    bulletin = bulletin_issue(actor=request.user, campaign=campaign, as_of=payload.as_of,
                              cadence=payload.cadence.value if payload.cadence else None)
    return Status(201, bulletin.snapshot)


@router.get("/notifications", response=list[dict], summary="My notifications")
def list_notifications(request: AuthedRequest, unread: bool = False) -> list[dict[str, Any]]:
    require_capability(request, "supervision.view")
    notices = notifications_for(request.user)
    if unread:
        notices = notices.filter(read_at__isnull=True)
    return [{"id": n.id, "kind": n.kind, "title": n.title, "body": n.body, "url": n.url,
             "created_at": n.created_at, "read_at": n.read_at} for n in notices[:200]]
