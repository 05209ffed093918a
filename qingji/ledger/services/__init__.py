"""Writes to the ledger, one module per entity: petitioners, cases, status, responsibility, work, aid,
attachments (and the checks they share). Every status change goes through `case_transition` or
`case_record_status` (status.py), which keep the status periods (the history reports are computed from)
and write the audit log. Callers import from here: `from qingji.ledger.services import case_update`."""

from qingji.ledger.services.aid import aid_add
from qingji.ledger.services.attachments import attachment_add
from qingji.ledger.services.cases import (
    CASE_FIELDS,
    StaleCase,
    case_register,
    case_registration_values,
    case_snapshot,
    case_update,
    case_values,
    format_ledger_no,
    last_ledger_seq,
    ledger_no_prefix,
    next_ledger_no,
    search_text_of,
)
from qingji.ledger.services.checks import require
from qingji.ledger.services.petitioners import (
    petitioner_create,
    petitioner_created_audit,
    petitioner_update,
    petitioner_values,
    petitioner_with_id_number,
)
from qingji.ledger.services.responsibility import responsibility_assign, responsibility_snapshot
from qingji.ledger.services.status import (
    TRANSITIONS,
    CaseChange,
    case_changes_write,
    case_record_status,
    case_transition,
    status_change,
)
from qingji.ledger.services.work import work_log_add

__all__ = [
    "CASE_FIELDS", "TRANSITIONS", "CaseChange", "StaleCase", "aid_add", "attachment_add", "case_changes_write",
    "case_record_status", "case_register", "case_registration_values", "case_snapshot", "case_transition",
    "case_update", "case_values", "format_ledger_no", "last_ledger_seq", "ledger_no_prefix", "next_ledger_no",
    "petitioner_create", "petitioner_created_audit", "petitioner_update", "petitioner_with_id_number",
    "petitioner_values", "require", "responsibility_assign", "responsibility_snapshot", "search_text_of",
    "status_change", "work_log_add",
]
