"""What the auditor reads for an entry: its action's label and its object's kind and name.

An entry stores its object's type (the model's name, or a word such as "account" or "scan"), its id and
the text the object had when the entry was written (for an account, its full name; for an export, a count).
The auditor's page shows the kind's label and the object's name now: a case's ledger number, a unit's or
a campaign's name, an account's username, looked up for a whole page with one query per kind. An object
since deleted, or a kind with nothing to look up, shows the text stored with the entry.
"""

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from django.apps import apps
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from qingji.audit.actions import action_label
from qingji.audit.models import AuditEntry

# Every object type the services write (`obj._meta.model_name`, or the `object_type` they pass).
OBJECT_TYPES: dict[str, Promise] = {
    "case": _("Case"),
    "petitioner": _("Petitioner"),
    "user": _("Account"),
    "account": _("Account"),
    "org": _("Unit"),
    "campaign": _("Campaign"),
    "bulletin": _("Bulletin"),
    "explanationtask": _("Written explanation"),
    "samplecheck": _("Sample check"),
    "rectification": _("Rectification order"),
    "apitoken": _("API token"),
    "scan": _("Deadline scan"),
    "report": _("Summary report"),
    "workbook": _("Ledger workbook"),
    "audit": _("Audit log"),
}

# The kinds whose name is looked up now: the model and the field that names an object of it. (A
# petitioner's name is personal information: the entry keeps the one it was written with.)
_NAMED_BY: dict[str, tuple[str, str]] = {
    "case": ("ledger.Case", "ledger_no"),
    "user": ("accounts.User", "username"),
    "account": ("accounts.User", "username"),
    "org": ("organisations.Org", "name"),
    "campaign": ("campaigns.Campaign", "name"),
}


@dataclass(frozen=True)
class EntryView:
    """An entry as the auditor's page shows it."""

    entry: AuditEntry
    label: str
    object_kind: str
    object_name: str


def object_names(entries: Sequence[AuditEntry]) -> dict[tuple[str, str], str]:
    """The names now of the entries' objects, by (object type, id): one query per model on the page."""
    wanted: dict[tuple[str, str], set[int]] = defaultdict(set)
    for entry in entries:
        named_by = _NAMED_BY.get(entry.object_type)
        if named_by is not None and entry.object_id.isdigit():
            wanted[named_by].add(int(entry.object_id))
    found: dict[tuple[str, str], dict[str, str]] = {}
    for (model, field), ids in wanted.items():
        rows = apps.get_model(model).objects.filter(pk__in=ids).values_list("pk", field)
        found[model, field] = {str(pk): name for pk, name in rows}
    return {(kind, pk): name for kind, named_by in _NAMED_BY.items() if named_by in found
            for pk, name in found[named_by].items()}


def entry_views(entries: Iterable[AuditEntry]) -> list[EntryView]:
    entries = list(entries)
    names = object_names(entries)
    views = []
    for entry in entries:
        kind = OBJECT_TYPES.get(entry.object_type)
        views.append(EntryView(
            entry=entry, label=action_label(entry.action),
            object_kind=str(kind) if kind is not None else entry.object_type,
            object_name=names.get((entry.object_type, entry.object_id), entry.object_repr)))
    return views
