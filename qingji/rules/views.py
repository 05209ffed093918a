"""地方规则设置: the rules in force for a unit (or a campaign), where each comes from, its history, and for
those who may edit the unit's own set a form per rule. Thin views: reads through `qingji.rules.selectors`,
writes through `qingji.rules.services`, scope through `get_visible_org` / `get_visible_campaign`."""

import datetime as dt
from typing import TYPE_CHECKING, Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from qingji.accounts.http import AuthedRequest
from qingji.organisations.models import Org
from qingji.organisations.selectors import get_visible_org, visible_orgs
from qingji.rules.display import EXPLANATIONS, label_of, present, summary
from qingji.rules.forms import RuleForm, slug_of
from qingji.rules.keys import KEYS
from qingji.rules.selectors import DEFAULT, Resolved, RuleBook, rule_history_in_force
from qingji.rules.services import check_rules_edit, rule_set, rule_unset
from qingji.web.views_helpers import require_capability

if TYPE_CHECKING:
    from qingji.campaigns.models import Campaign

HISTORY_ROWS = 200


def _as_of(request: AuthedRequest) -> dt.date | None:
    text = request.GET.get("as_of", "").strip()
    if not text:
        return None
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        messages.error(request, _("Give the date as YYYY-MM-DD; the rules in force today are shown."))
        return None


def _may_edit(request: AuthedRequest, org: Org | None) -> bool:
    try:
        check_rules_edit(request.user, org=org)
    except PermissionDenied:
        return False
    return org is not None


def _sources(book_rows: dict[str, Resolved], campaign: "Campaign | None") -> dict[str, dict[str, Any]]:
    """Who each rule comes from, by code: the unit's or campaign's name and a link to the campaign's page."""
    codes = {r.source for r in book_rows.values()} - {DEFAULT}
    names = dict(Org.objects.filter(code__in=codes).values_list("code", "name"))
    found: dict[str, dict[str, Any]] = {DEFAULT: {"name": _("Default"), "code": "", "url": ""}}
    for code in codes:
        if campaign is not None and code == campaign.code:
            found[code] = {"name": campaign.name, "code": code, "campaign": True,
                           "url": reverse("campaigns:detail", args=[code])}
        else:
            found[code] = {"name": names.get(code, code), "code": code, "url": ""}
    return found


def _rows(org: Org | None, campaign: "Campaign | None", as_of: dt.date | None,
          editable: bool, bound: RuleForm | None) -> list[dict[str, Any]]:
    book = RuleBook(as_of)
    in_force = book.all(org, campaign)
    own = book.own(org, campaign)
    sources = _sources(in_force, campaign)
    rows = []
    for key, resolved in in_force.items():
        form = None
        if editable:
            form = bound if bound is not None and bound.rule_key == key else RuleForm(key, resolved.value,
                                                                                      initial={"action": "set"})
        rows.append({"key": key, "slug": slug_of(key), "label": KEYS[key].label, "explanation": EXPLANATIONS.get(key),
                     "shown": present(key, resolved.value), "source": sources[resolved.source],
                     "own": key in own, "campaign_key": KEYS[key].campaign, "form": form,
                     "open": form is not None and form is bound})
    return rows


def _history(org: Org | None, campaign: "Campaign | None") -> list[dict[str, Any]]:
    changes = rule_history_in_force(org, campaign)[:HISTORY_ROWS]
    return [{"when": c.changed_at, "who": c.changed_by_name or _("System"),
             "owner": c.campaign if c.campaign_id else c.org, "key": c.key, "label": label_of(c.key),
             "old": summary(c.key, c.old), "new": summary(c.key, c.new), "reason": c.reason} for c in changes]


def _page(request: AuthedRequest, *, org: Org | None, campaign: "Campaign | None" = None,
          as_of: dt.date | None = None, bound: RuleForm | None = None) -> HttpResponse:
    from qingji.campaigns.selectors import visible_campaigns

    editable = campaign is None and as_of is None and org is not None and org.pk == request.user.org_id \
        and _may_edit(request, org)
    units = visible_orgs(request.user).only("code", "name")
    return render(request, "rules/page.html", {
        "org": org, "campaign": campaign, "as_of": as_of, "editable": editable,
        "own_unit": org is not None and org.pk == request.user.org_id,
        "rows": _rows(org, campaign, as_of, editable, bound), "history": _history(org, campaign),
        "history_limit": HISTORY_ROWS, "units": units if len(units) > 1 else [],
        "campaigns": list(visible_campaigns(request.user).filter(rule_values__isnull=False).distinct()
                          .order_by("code")),
    })


@login_required
def rules_page(request: AuthedRequest) -> HttpResponse:
    """GET ?org=CODE (a unit in scope), ?campaign=CODE (a campaign in scope), ?as_of=YYYY-MM-DD."""
    from qingji.campaigns.selectors import get_visible_campaign

    require_capability(request, "rules.view")
    campaign = get_visible_campaign(request.user, request.GET["campaign"]) if request.GET.get("campaign") else None
    org: Org | None
    if campaign is not None:
        org = campaign.organiser
    elif request.GET.get("org"):
        org = get_visible_org(request.user, code=request.GET["org"])
    else:
        org = request.user.org
    return _page(request, org=org, campaign=campaign, as_of=_as_of(request))


@login_required
@require_POST
def rules_change(request: AuthedRequest) -> HttpResponse:
    """Set or unset one rule of the account's own unit's set; a refusal is shown on that rule's form."""
    require_capability(request, "rules.view")
    org = request.user.org
    check_rules_edit(request.user, org=org)
    if org is None:
        raise PermissionDenied
    key = request.POST.get("key", "")
    if key not in KEYS:
        messages.error(request, _("There is no rule %(key)s.") % {"key": key})
        return redirect("rules:page")
    form = RuleForm(key, RuleBook().value(key, org), data=request.POST)
    if form.is_valid():
        try:
            if form.unsetting:
                rule_unset(actor=request.user, org=org, key=key, reason=form.cleaned_data["reason"])
            else:
                rule_set(actor=request.user, org=org, key=key, value=form.rule_value(),
                         reason=form.cleaned_data["reason"])
        except ValidationError as error:
            form.add_error("value" if "value" in form.fields and not form.unsetting else None, error.messages)
        else:
            done = _("%(label)s: set.") if not form.unsetting else _("%(label)s: unset, inherited from now on.")
            messages.success(request, done % {"label": KEYS[key].label})
            return redirect(f"{reverse('rules:page')}#rule-{slug_of(key)}")
    return _page(request, org=org, bound=form)
