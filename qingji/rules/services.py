"""Changing a rule set: one key at a time, checked, versioned and audited, in one transaction.

Who may (../shared/spec/local-rules.md): committee staff and leaders their committee's set, a unit's leader
the unit's own set, a campaign's managers the campaign's set; nobody a superior's. `check_rules_edit` is the
one check: the services call it, and the page offers its form exactly when it passes.
"""

from typing import TYPE_CHECKING, Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from qingji.accounts.roles import has_capability
from qingji.audit.services import audit_log
from qingji.organisations.models import Org
from qingji.organisations.selectors import org_scope_q
from qingji.rules.keys import clean_value, key_or_refuse
from qingji.rules.models import RuleChange, RuleValue
from qingji.rules.selectors import RuleBook

if TYPE_CHECKING:
    from qingji.accounts.models import User
    from qingji.campaigns.models import Campaign


def check_rules_edit(user: "User | None", *, org: Org | None = None, campaign: "Campaign | None" = None) -> None:
    """`user=None` is the system (the command line, the demo)."""
    if user is None:
        return
    if campaign is not None:
        from qingji.campaigns.services import require_manager

        require_manager(user, campaign)
        return
    if not has_capability(user, "rules.edit"):
        raise PermissionDenied(_("Your role does not allow changing the rules."))
    if org is None or user.org_id != org.pk:
        raise PermissionDenied(_("You change your own unit's rules only; a superior's or another unit's rules "
                                 "are theirs to change."))


def _in_use(key: str, org: Org | None, campaign: "Campaign | None", codes: set[str]) -> dict[str, int]:
    """Of `codes`, those used by cases of the owner's scope, with their counts."""
    from django.db.models import Count

    from qingji.ledger.models import Case

    if not codes or key not in ("sources", "categories"):
        return {}
    cases = Case.objects.all()
    if org is not None:
        cases = cases.filter(org_scope_q(org, "handling_org__"))
    field = "source" if key == "sources" else "category__code"
    return dict(cases.filter(**{f"{field}__in": codes}).values_list(field).annotate(n=Count("pk")).order_by())


def _check_nothing_breaks(key: str, before: Any, after: Any, org: Org | None,
                          campaign: "Campaign | None") -> None:
    if key not in ("sources", "categories"):
        return
    dropped = {e["code"] for e in before} - {e["code"] for e in after}
    used = _in_use(key, org, campaign, dropped)
    if used:
        raise ValidationError(_("%(key)s: %(codes)s are used by cases (%(counts)s). A code in use is not removed: "
                                "retire it instead (\"active\": false), and it is no longer offered.")
                              % {"key": key, "codes": ", ".join(sorted(used)),
                                 "counts": ", ".join(f"{c} {n}" for c, n in sorted(used.items()))})


def _register_codes(key: str, entries: list[dict[str, Any]]) -> None:
    """A category is a row that cases point to: a new code gets its row (named by its first label)."""
    if key != "categories":
        return
    from qingji.ledger.models import Category

    known = set(Category.objects.filter(code__in=[e["code"] for e in entries]).values_list("code", flat=True))
    Category.objects.bulk_create(Category(code=e["code"], name=e["label"]) for e in entries if e["code"] not in known)


def _owner_repr(org: Org | None, campaign: "Campaign | None") -> tuple[str, str]:
    if campaign is not None:
        return "campaign", campaign.code
    assert org is not None
    return "org", org.code


@transaction.atomic
def _change(actor: "User | None", key: str, new: Any, reason: str, org: Org | None,
            campaign: "Campaign | None") -> RuleChange:
    if (org is None) == (campaign is None):
        raise ValidationError(_("Say whose rules: a unit's or a campaign's."))
    check_rules_edit(actor, org=org, campaign=campaign)
    owner: dict[str, Any] = {"org": org} if org is not None else {"campaign": campaign}
    current = RuleValue.objects.select_for_update().filter(**owner, key=key).first()
    old = current.value if current is not None else None
    if new is None and current is None:
        raise ValidationError(_("%(key)s is not set here: it is inherited already.") % {"key": key})
    if new is not None and old == new:
        raise ValidationError(_("%(key)s has this value already.") % {"key": key})
    book = RuleBook()
    before = book.value(key, org, campaign)
    if new is None:
        current.delete()  # type: ignore[union-attr]  # current is not None: checked above
    else:
        RuleValue.objects.update_or_create(**owner, key=key, defaults={"value": new})
    after = RuleBook().value(key, org, campaign)
    _check_nothing_breaks(key, before, after, org, campaign)
    if new is not None:
        _register_codes(key, after)
    change = RuleChange.objects.create(
        **owner, key=key, old=old, new=new, reason=reason.strip(), changed_by=actor,
        changed_by_name=(getattr(actor, "full_name", "") or getattr(actor, "username", "")) if actor else "",
        changed_at=timezone.now())
    kind, code = _owner_repr(org, campaign)
    audit_log(actor=actor, action="rules.set" if new is not None else "rules.unset", obj=change,
              object_repr=f"{code} {key}", before={"value": old}, after={kind: code, "key": key, "value": new,
                                                                          "reason": reason.strip()})
    return change


def rule_set(*, actor: "User | None", key: str, value: Any, reason: str = "", org: Org | None = None,
             campaign: "Campaign | None" = None) -> RuleChange:
    """Set one key of a unit's or a campaign's own rule set; refused with the reason, changing nothing."""
    cleaned = clean_value(key, value, campaign=campaign is not None)
    return _change(actor, key, cleaned, reason, org, campaign)


def rule_unset(*, actor: "User | None", key: str, reason: str = "", org: Org | None = None,
               campaign: "Campaign | None" = None) -> RuleChange:
    """Drop one key from the owner's set: the superior's value (or the default) is in force again."""
    key_or_refuse(key, campaign=campaign is not None)
    return _change(actor, key, None, reason, org, campaign)
