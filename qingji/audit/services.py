"""Writing and verifying the audit log.

Every service that changes data calls `audit_log` inside its own transaction, so the
entry exists exactly when the change does. Each entry's hash covers its content and
the previous entry's hash: editing or deleting an entry breaks the chain, and
`qingji audit verify` finds where. An entry's action is a code of the registry in
qingji/audit/actions.py: no other can be written.
"""

import datetime as dt
import hashlib
import json
from collections.abc import Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.db import models, transaction
from django.http import HttpRequest
from django.utils import timezone

from qingji.audit.actions import check_action
from qingji.audit.models import AuditEntry, AuditHead
from qingji.lib.bulk import insert_rows, insert_values

if TYPE_CHECKING:
    from qingji.accounts.models import User

GENESIS = "0" * 64
# The canonical JSON of a value in an entry's hash (`_digest` encodes the whole entry this way).
_canonical = json.JSONEncoder(default=str, sort_keys=True, ensure_ascii=False, separators=(",", ":")).encode


def _normalise(value: Any) -> Any:
    if value is None:
        return None
    return json.loads(json.dumps(value, default=str, ensure_ascii=False))


def _digest(prev_hash: str, fields: dict[str, Any]) -> str:
    payload = json.dumps(fields, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(f"{prev_hash}|{payload}".encode()).hexdigest()


def _hashed_fields(entry: AuditEntry) -> dict[str, Any]:
    return {
        "seq": entry.seq, "at": entry.at.isoformat(timespec="microseconds"), "actor_id": entry.actor_id,
        "actor_name": entry.actor_name, "action": entry.action, "object_type": entry.object_type,
        "object_id": entry.object_id, "object_repr": entry.object_repr, "org_code": entry.org_code,
        "ip": entry.ip, "before": entry.before, "after": entry.after,
    }


def client_ip(request: HttpRequest | None) -> str:
    if request is None:
        return ""
    return str(request.META.get("REMOTE_ADDR", ""))[:45]


def audit_log(
    *, actor: "User | None", action: str, obj: models.Model | None = None, object_type: str = "",
    object_repr: str = "", before: Any = None, after: Any = None, ip: str = "",
) -> AuditEntry:
    """Append one entry to the chain (inside the caller's transaction: without a savepoint of its own, an
    error here marks the caller's transaction for rollback, so a chain half written is never committed)."""
    check_action(action)  # before the head is locked (or created): an unknown code writes nothing
    with transaction.atomic(savepoint=False):
        head, _ = AuditHead.objects.select_for_update().get_or_create(pk=1)
        entry = _chained(head, audit_entry(actor=actor, action=action, obj=obj, object_type=object_type,
                                           object_repr=object_repr, before=before, after=after, ip=ip))
        entry.save()
        head.save(update_fields=["seq", "hash"])
    return entry


def audit_entry(
    *, actor: "User | None", action: str, obj: models.Model | None = None, object_type: str = "",
    object_repr: str = "", before: Any = None, after: Any = None, ip: str = "",
) -> AuditEntry:
    """An entry not yet in the chain: for `audit_log_many`, which chains and writes many at once. Its action
    must be a code of the registry (qingji/audit/actions.py): any other is refused with a ValueError."""
    check_action(action)
    return AuditEntry(
        at=timezone.now().astimezone(dt.UTC),
        actor_id=getattr(actor, "pk", None),
        actor_name=getattr(actor, "username", "") if actor is not None else "",
        action=action,
        object_type=object_type or (obj._meta.model_name or "" if obj is not None else ""),
        object_id=str(obj.pk) if obj is not None and obj.pk is not None else "",
        object_repr=(object_repr or (str(obj) if obj is not None else ""))[:200],
        org_code=getattr(getattr(actor, "org", None), "code", "") or "",
        ip=ip,
        before=_normalise(before),
        after=_normalise(after),
    )


def _chained(head: AuditHead, entry: AuditEntry) -> AuditEntry:
    """Give the entry the next sequence number and its hash; move the (locked) head along."""
    entry.seq, entry.prev_hash = head.seq + 1, head.hash
    entry.hash = _digest(head.hash, _hashed_fields(entry))
    head.seq, head.hash = entry.seq, entry.hash
    return entry


def audit_log_many(entries: list[AuditEntry], batch_size: int = 2000) -> None:
    """Append entries made by `audit_entry`, in their order, with one lock of the head and bulk inserts
    (imports write thousands). The chain is exactly what as many `audit_log` calls would have made."""
    if not entries:
        return
    with transaction.atomic():
        head, _ = AuditHead.objects.select_for_update().get_or_create(pk=1)
        for entry in entries:
            _chained(head, entry)
        insert_rows(AuditEntry, entries, batch_size=batch_size)
        head.save(update_fields=["seq", "hash"])


# ------------------------------------------------------------------ plain rows, for bulk writers
#
# An import writes hundreds of thousands of entries: `audit_values` makes each as a plain tuple with its
# before/after encoded once, in the canonical form the hash covers (which is also what is stored: the same
# JSON, its keys sorted), and `audit_log_values` chains and inserts them. The hash is computed from the
# same fields as `_digest(_hashed_fields(entry))`, so `verify_chain` cannot tell the two paths apart.

VALUE_COLUMNS = ("at", "actor_id", "actor_name", "action", "object_type", "object_id", "object_repr", "org_code",
                 "ip", "before", "after")
ENTRY_COLUMNS = ("seq", *VALUE_COLUMNS, "prev_hash", "hash")
_PAYLOAD = ('{"action":%s,"actor_id":%s,"actor_name":%s,"after":%s,"at":%s,"before":%s,"ip":%s,"object_id":%s,'
            '"object_repr":%s,"object_type":%s,"org_code":%s,"seq":%d}')


def audit_values(
    *, actor: "User | None", action: str, object_type: str, object_id: Any, object_repr: str,
    before: Any = None, after: Any = None, ip: str = "", at: dt.datetime | None = None,
) -> tuple[Any, ...]:
    """An entry not yet in the chain, as a tuple in `VALUE_COLUMNS` order, for `audit_log_values`: what
    `audit_entry` makes for an object of that type, id and text, refusing an unknown action as it does.
    Values in before/after must have text keys (as every snapshot of the services has)."""
    return (
        at or timezone.now().astimezone(dt.UTC),
        getattr(actor, "pk", None),
        getattr(actor, "username", "") if actor is not None else "",
        check_action(action), object_type, "" if object_id is None else str(object_id), object_repr[:200],
        getattr(getattr(actor, "org", None), "code", "") or "", ip,
        None if before is None else _canonical(before),
        None if after is None else _canonical(after),
    )


def audit_log_values(rows: list[tuple[Any, ...]]) -> None:
    """Append entries made by `audit_values`, in their order, with one lock of the chain head; the chain is
    exactly what as many `audit_log` calls would have made."""
    if not rows:
        return
    with transaction.atomic():
        head = audit_head_locked()
        insert_values(AuditEntry, ENTRY_COLUMNS, audit_chain(head, rows))
        head.save(update_fields=["seq", "hash"])


def audit_head_locked() -> AuditHead:
    """The chain's head, locked until the end of the transaction (the caller's)."""
    return AuditHead.objects.select_for_update().get_or_create(pk=1)[0]


def audit_chain(head: AuditHead, rows: list[tuple[Any, ...]]) -> list[tuple[Any, ...]]:
    """The entries made by `audit_values` chained after the (locked) head, as rows in `ENTRY_COLUMNS` order;
    the head is moved along in memory, for the caller to save once the rows are inserted."""
    text = json.encoder.encode_basestring
    seq, prev_hash = head.seq, head.hash
    stamps: dict[dt.datetime, str] = {}
    chained = []
    for at, actor_id, actor_name, action, object_type, object_id, object_repr, org_code, ip, before, after in rows:
        seq += 1
        stamp = stamps.get(at)
        if stamp is None:
            stamp = stamps[at] = text(at.isoformat(timespec="microseconds"))
        payload = _PAYLOAD % (
            text(action), "null" if actor_id is None else int(actor_id), text(actor_name),
            "null" if after is None else after, stamp, "null" if before is None else before, text(ip),
            text(object_id), text(object_repr), text(object_type), text(org_code), seq)
        digest = hashlib.sha256(f"{prev_hash}|{payload}".encode()).hexdigest()
        chained.append((seq, at, actor_id, actor_name, action, object_type, object_id, object_repr, org_code,
                        ip, before, after, prev_hash, digest))
        prev_hash = digest
    head.seq, head.hash = seq, prev_hash
    return chained


@dataclass(frozen=True)
class ChainBreak:
    seq: int
    reason: str


def verify_chain() -> Iterator[ChainBreak]:
    """Walk the whole chain; yield every place where it does not hold."""
    head = AuditHead.objects.filter(pk=1).first()
    prev_hash = head.base_prev_hash if head else GENESIS
    expected_seq = head.base_seq if head else 1
    for entry in AuditEntry.objects.order_by("seq").iterator(chunk_size=2000):
        if entry.seq != expected_seq:
            yield ChainBreak(expected_seq, "missing")
        if entry.prev_hash != prev_hash:
            yield ChainBreak(entry.seq, "prev_hash")
        if _digest(entry.prev_hash, _hashed_fields(entry)) != entry.hash:
            yield ChainBreak(entry.seq, "altered")
        prev_hash, expected_seq = entry.hash, entry.seq + 1
    if head is not None and head.hash != prev_hash:
        yield ChainBreak(head.seq, "truncated")


class ChainNotVerified(Exception):
    """Retention refuses to delete anything from a chain that does not verify."""


def audit_prune(*, older_than_days: int) -> int:
    """Delete entries older than the retention period, in one transaction, and move the chain's anchor
    forward so verification still starts from a known hash. Never deletes from a broken chain."""
    with transaction.atomic():
        head = AuditHead.objects.select_for_update().filter(pk=1).first()
        if head is None:
            return 0
        breaks = list(verify_chain())
        if breaks:
            raise ChainNotVerified(breaks)
        cutoff = timezone.now() - dt.timedelta(days=older_than_days)
        old = AuditEntry.objects.filter(at__lt=cutoff).order_by("-seq")
        last = old.first()
        if last is None:
            return 0
        # Entries are in time order, so everything up to the last old entry goes, never a gap.
        doomed = AuditEntry.objects.filter(seq__lte=last.seq)
        count = doomed.count()
        doomed._raw_delete(doomed.db)  # AuditEntry.delete() refuses single deletions on purpose
        head.base_seq, head.base_prev_hash = last.seq + 1, last.hash
        head.save(update_fields=["base_seq", "base_prev_hash"])
    return count
