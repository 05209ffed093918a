"""Every kind of audit entry: its code, its label and its area, in one registry.

An entry's `action` is one of these codes (as Zulip's RealmAuditLog has one list of event types). The
codes are stored in the audit log and covered by its hash chain, so a code is never renamed nor removed
once written; a new kind of event gets a new code here, with its label, before a service writes it.
`audit_entry` and `audit_values` refuse a code that is not here (a programming error), and
tests/test_audit_actions.py checks every `action=` in the source tree against this registry.
"""

from dataclasses import dataclass

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _


@dataclass(frozen=True)
class Area:
    code: str
    label: Promise


@dataclass(frozen=True)
class Action:
    code: str
    area: Area
    label: Promise


_REGISTRY: tuple[tuple[Area, tuple[tuple[str, Promise], ...]], ...] = (
    (Area("auth", _("Sign-in and two-factor")), (
        ("auth.login", _("Sign-in")),
        ("auth.logout", _("Sign-out")),
        ("auth.login_failed", _("Sign-in failed")),
        ("auth.locked_out", _("Account locked after failed sign-ins")),
        ("auth.unlock", _("Account unlocked")),
        ("auth.session_end", _("Session ended by the security administrator")),
        ("auth.otp_enrol", _("Two-factor sign-in set up")),
        ("auth.otp_verify", _("Two-factor code accepted")),
        ("auth.otp_failed", _("Two-factor code refused")),
        ("auth.recovery_codes", _("New recovery codes made")),
        ("auth.otp_disable", _("Two-factor sign-in switched off")),
    )),
    (Area("account", _("Account administration")), (
        ("account.create", _("Account created")),
        ("account.password", _("Password set")),
        ("account.activate", _("Account activated")),
        ("account.deactivate", _("Account deactivated")),
        ("account.role", _("Role or unit of an account changed")),
    )),
    (Area("org", _("Unit administration")), (
        ("org.create", _("Unit created")),
        ("org.update", _("Unit changed")),
    )),
    (Area("case", _("Cases and petitioners")), (
        ("petitioner.create", _("Petitioner registered")),
        ("petitioner.update", _("Petitioner changed")),
        ("petitioner.merge", _("Petitioners with one ID number merged")),
        ("case.register", _("Case registered")),
        ("case.update", _("Case edited")),
        ("case.petitioners", _("Petitioners of a case changed")),
        ("case.dockets", _("Docket numbers of a case changed")),
        ("case.assign", _("Leader responsibility assigned")),
        ("case.work_log", _("Work on a case recorded")),
        ("case.aid", _("Judicial aid recorded")),
        ("case.attachment", _("Attachment added")),
        ("case.attachment_download", _("Attachment downloaded")),
        # Status changes, each with the step that made it (all through case_transition or case_record_status).
        ("case.transition", _("Status changed")),
        ("case.record_status", _("Status recorded as found")),
        ("case.assign_status", _("Status: in progress once assigned")),
        ("case.closure_request", _("Status: closure requested")),
        ("case.closure_return", _("Status: closure request returned")),
        ("case.closure_withdrawn", _("Status: closure request withdrawn")),
        ("case.closure_approved", _("Status: closure approved")),
        ("case.termination_approved", _("Status: termination approved")),
        ("case.reopen", _("Status: open again after a new petition")),
    )),
    (Area("pii", _("Personal information")), (
        ("pii.reveal", _("Full ID number or phone shown")),
    )),
    (Area("lifecycle", _("Closure, termination and follow-up")), (
        ("lifecycle.closure_request", _("Closure request submitted")),
        ("lifecycle.closure_decision", _("Decision on a closure request")),
        ("lifecycle.closure_withdrawn", _("Closure request withdrawn")),
        ("lifecycle.termination_propose", _("Termination proposed")),
        ("lifecycle.termination_decision", _("Decision on a termination proposal")),
        ("lifecycle.termination_withdrawn", _("Termination proposal withdrawn")),
        ("lifecycle.reopen", _("New petition after closure recorded")),
        ("lifecycle.follow_up", _("Follow-up visit recorded")),
        ("lifecycle.sample_check", _("Sample check drawn")),
    )),
    (Area("review", _("Case reviews")), (
        ("review.matter_add", _("Underlying matter added")),
        ("review.record", _("Case review recorded")),
        ("review.accountability", _("Accountability action recorded")),
    )),
    (Area("supervision", _("Supervision and reminders")), (
        ("reminder.create", _("Reminder sent")),
        ("reminder.respond", _("Reminder answered")),
        ("reminder.escalate", _("Reminder escalated")),
        ("reminder.letter", _("Reminder letter downloaded")),
        ("rectification.issue", _("Rectification ordered")),
        ("rectification.close", _("Rectification closed")),
        ("supervision.scan", _("Deadline scan run")),
        ("supervision.scan_queued", _("Deadline scan started by hand")),
    )),
    (Area("campaign", _("Campaigns and bulletins")), (
        ("campaign.create", _("Campaign created")),
        ("campaign.update", _("Campaign changed")),
        ("campaign.apply_scope", _("Campaign scope applied to the cases")),
        ("campaign.add_case", _("Case added to a campaign")),
        ("campaign.remove_case", _("Case removed from a campaign")),
        ("campaign.veto", _("Veto recorded against a unit")),
        ("campaign.veto_withdraw", _("Veto withdrawn")),
        ("campaign.cadence", _("Cadence of the bulletins changed")),
        ("bulletin.issue", _("Bulletin issued")),
        ("bulletin.export", _("Bulletin downloaded")),
        ("explanation.require", _("Written explanation required")),
        ("explanation.submit", _("Written explanation submitted")),
    )),
    (Area("rules", _("Local rules")), (
        ("rules.set", _("Local rule set")),
        ("rules.unset", _("Local rule unset")),
    )),
    (Area("export", _("Reports and exports")), (
        ("report.export", _("Summary report exported")),
        ("export.ledger", _("Ledger exported")),
        ("export.full_pii", _("Ledger exported with full ID numbers and phones")),
        ("export.responsibility", _("Responsibility breakdown exported")),
    )),
    (Area("import", _("Imports")), (
        ("import.ledger", _("Ledger workbook imported")),
    )),
    (Area("audit", _("Audit log")), (
        ("audit.export", _("Audit log exported")),
        ("audit.prune", _("Audit entries past retention deleted")),
    )),
    (Area("api", _("API access")), (
        ("api.token_create", _("API token created")),
        ("api.token_revoke", _("API token revoked")),
    )),
)

AREAS: dict[str, Area] = {area.code: area for area, _actions in _REGISTRY}
ACTIONS: dict[str, Action] = {
    code: Action(code, area, label) for area, actions in _REGISTRY for code, label in actions}


def check_action(code: str) -> str:
    """The code, if it is registered; a code that is not is a programming error."""
    if code not in ACTIONS:
        raise ValueError(f"Unknown audit action {code!r}: register it in qingji/audit/actions.py first.")
    return code


def action_label(code: str) -> str:
    """The code's label in the active language (the code itself for one not registered, which only an entry
    written past the services could hold)."""
    action = ACTIONS.get(code)
    return str(action.label) if action is not None else code


def area_actions(area: str) -> list[str]:
    """The codes of an area, for filtering (entries store the code only)."""
    return [code for code, action in ACTIONS.items() if action.area.code == area]


def area_choices() -> list[tuple[str, Promise]]:
    return [(area.code, area.label) for area in AREAS.values()]


def action_choices() -> list[tuple[Promise, list[tuple[str, Promise]]]]:
    """The codes grouped by area, as a select's option groups."""
    return [(area.label, [(code, label) for code, label in actions]) for area, actions in _REGISTRY]
