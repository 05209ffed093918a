"""The eight roles of DESIGN.md "Who uses it" and what each may do.

Scope (which cases) is decided by the unit an account belongs to; the role decides
what the account may do inside that scope. The three administrator roles see no
case content at all.
"""

from typing import TYPE_CHECKING

from django.db import models
from django.utils.translation import gettext_lazy as _

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from qingji.accounts.models import User


class Role(models.TextChoices):
    COMMITTEE_STAFF = "committee_staff", _("Committee staff")
    COMMITTEE_LEADER = "committee_leader", _("Committee leader")
    UNIT_STAFF = "unit_staff", _("Unit staff")
    UNIT_LEADER = "unit_leader", _("Unit leader")
    REVIEWER = "reviewer", _("Reviewer")
    AUDITOR = "auditor", _("Auditor")
    SYSADMIN = "sysadmin", _("System administrator")
    SECADMIN = "secadmin", _("Security administrator")


ADMIN_ROLES = frozenset({Role.AUDITOR, Role.SYSADMIN, Role.SECADMIN})
CASE_ROLES = frozenset(Role.values) - ADMIN_ROLES

# What each role may do. Views, services and the API ask `has_capability`; nothing else
# compares role names.
CAPABILITIES: dict[str, frozenset[str]] = {
    "case.view": CASE_ROLES,
    "case.register": frozenset({Role.COMMITTEE_STAFF, Role.UNIT_STAFF, Role.UNIT_LEADER}),
    "case.edit": frozenset({Role.COMMITTEE_STAFF, Role.UNIT_STAFF, Role.UNIT_LEADER}),
    "case.assign": frozenset({Role.COMMITTEE_STAFF, Role.COMMITTEE_LEADER, Role.UNIT_LEADER, Role.UNIT_STAFF}),
    "case.record_work": frozenset({Role.COMMITTEE_STAFF, Role.UNIT_STAFF, Role.UNIT_LEADER}),
    "case.export": frozenset({Role.COMMITTEE_STAFF, Role.COMMITTEE_LEADER, Role.UNIT_STAFF, Role.UNIT_LEADER}),
    "case.import": frozenset({Role.COMMITTEE_STAFF, Role.UNIT_STAFF}),
    "pii.reveal": frozenset({Role.COMMITTEE_STAFF, Role.UNIT_STAFF, Role.UNIT_LEADER}),
    "review.record": frozenset({Role.REVIEWER, Role.COMMITTEE_STAFF}),
    "report.view": CASE_ROLES,
    # Lifecycle (qingji/lifecycle/policy.py names the step each capability decides). A step is decided at
    # one unit (its `decided_by`); the first capability of a step applies where that unit is not a committee,
    # the `*_committee` or "lifecycle.lead_committee" one where it is.
    "closure.request": frozenset({Role.UNIT_STAFF, Role.UNIT_LEADER, Role.COMMITTEE_STAFF}),
    "closure.approve": frozenset({Role.UNIT_LEADER}),
    "closure.accept": frozenset({Role.COMMITTEE_STAFF, Role.COMMITTEE_LEADER}),
    "termination.propose": frozenset({Role.UNIT_STAFF, Role.UNIT_LEADER}),
    "termination.review_panel": frozenset({Role.UNIT_LEADER, Role.REVIEWER}),
    "termination.adjudication": frozenset({Role.UNIT_LEADER}),
    "termination.sign_off": frozenset({Role.UNIT_LEADER}),
    # The head (组长) of a campaign's leading group signs with their own account, whatever its role.
    "termination.sign_off_head": CASE_ROLES,
    "termination.approve": frozenset({Role.UNIT_LEADER, Role.UNIT_STAFF}),
    "termination.approve_committee": frozenset({Role.COMMITTEE_LEADER, Role.COMMITTEE_STAFF}),
    "termination.unit_review": frozenset({Role.UNIT_LEADER}),
    "termination.committee_review": frozenset({Role.COMMITTEE_STAFF, Role.COMMITTEE_LEADER}),
    "lifecycle.lead_committee": frozenset({Role.COMMITTEE_LEADER}),  # a leader's step decided at a committee
    "case.reopen": frozenset({Role.COMMITTEE_STAFF, Role.UNIT_STAFF, Role.UNIT_LEADER}),
    "followup.record": frozenset({Role.COMMITTEE_STAFF, Role.UNIT_STAFF, Role.UNIT_LEADER}),
    "sample_check.manage": frozenset({Role.COMMITTEE_STAFF, Role.COMMITTEE_LEADER}),
    "orgs.manage": frozenset({Role.SYSADMIN}),
    "accounts.manage": frozenset({Role.SYSADMIN}),
    "security.manage": frozenset({Role.SECADMIN}),
    "audit.view": frozenset({Role.AUDITOR}),
    "campaign.view": CASE_ROLES,
    # A committee's campaigns are run by its staff; a unit with units under it (an intermediate court, a justice
    # bureau) runs its own through its leader (qingji.campaigns.selectors.may_organise, can_manage).
    "campaign.manage": frozenset({Role.COMMITTEE_STAFF, Role.UNIT_LEADER}),
    "bulletin.issue": frozenset({Role.COMMITTEE_STAFF, Role.COMMITTEE_LEADER, Role.UNIT_LEADER}),
    "assessment.veto": frozenset({Role.COMMITTEE_STAFF, Role.COMMITTEE_LEADER}),
    "explanation.submit": frozenset({Role.UNIT_LEADER, Role.UNIT_STAFF}),
    "supervision.view": CASE_ROLES,
    "reminder.send": frozenset({Role.COMMITTEE_STAFF, Role.COMMITTEE_LEADER, Role.UNIT_LEADER}),
    "reminder.respond": frozenset({Role.UNIT_STAFF, Role.UNIT_LEADER}),
    "rectification.issue": frozenset({Role.COMMITTEE_STAFF, Role.COMMITTEE_LEADER, Role.UNIT_LEADER}),
    "supervision.scan": frozenset({Role.COMMITTEE_STAFF}),
    # Local rules: committee staff and leaders their committee's set, a unit's leader the unit's own.
    "rules.view": CASE_ROLES,
    "rules.edit": frozenset({Role.COMMITTEE_STAFF, Role.COMMITTEE_LEADER, Role.UNIT_LEADER}),
}


def has_capability(user: "User | AnonymousUser | None", capability: str) -> bool:
    if user is None or not user.is_authenticated or not user.is_active:
        return False
    return user.role in CAPABILITIES[capability]
