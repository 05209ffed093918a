import datetime as dt

import pytest
from django.core.management import CommandError, call_command
from django.db import connection

from qingji.audit.models import AuditEntry
from qingji.audit.services import audit_log, verify_chain


def test_it_verifies_an_intact_chain(city, capsys):
    call_command("audit", "verify")
    assert "intact" in capsys.readouterr().out or AuditEntry.objects.exists()
    assert list(verify_chain()) == []


def test_it_detects_an_entry_edited_through_raw_sql(city):
    entry = AuditEntry.objects.order_by("seq")[3]
    with connection.cursor() as cursor:
        cursor.execute(f"UPDATE {AuditEntry._meta.db_table} SET object_repr = %s WHERE id = %s",
                       ["篡改", entry.pk])
    breaks = list(verify_chain())
    assert [(b.seq, b.reason) for b in breaks] == [(entry.seq, "altered")]
    with pytest.raises(CommandError):
        call_command("audit", "verify")


def test_it_detects_a_deleted_entry(city):
    entry = AuditEntry.objects.order_by("seq")[2]
    with connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {AuditEntry._meta.db_table} WHERE id = %s", [entry.pk])
    reasons = {b.reason for b in verify_chain()}
    assert "missing" in reasons


def test_it_detects_entries_removed_from_the_end(city):
    last = AuditEntry.objects.order_by("-seq").first()
    with connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {AuditEntry._meta.db_table} WHERE id = %s", [last.pk])
    assert [b.reason for b in verify_chain()] == ["truncated"]


def test_it_refuses_to_update_an_entry_through_the_orm(city):
    entry = audit_log(actor=None, action="auth.login", after={"x": 1})
    entry.action = "changed"
    with pytest.raises(RuntimeError):
        entry.save()
    with pytest.raises(RuntimeError):
        entry.delete()


def test_entries_written_as_plain_rows_chain_as_audit_log_would(city):
    """Bulk writers (the ledger import) make entries with audit_values and append them with
    audit_log_values: each hash is computed from the canonical JSON without building the entry's dict, so
    verify_chain, which recomputes it the usual way, must find nothing wrong, and the stored values must be
    what audit_log would store."""
    from decimal import Decimal

    from qingji.audit.services import _normalise, audit_log_values, audit_values
    from qingji.organisations.models import Org

    actor = type("Actor", (), {"pk": 7, "username": "张三\"\\", "org": Org.objects.first()})()
    before = {"status": "registered", "b": None, "a": [1, 2.5, True], "嵌套": {"z": "x", "y": dt.date(2012, 1, 5)}}
    after = {"amount": Decimal("1500.00"), "note": "引号\"、反斜杠\\、换行\n、\u2028", "date": dt.date(2012, 3, 1)}
    rows = [audit_values(actor=actor, action="case.aid", object_type="case", object_id=12, object_repr="A-1",
                         before=before, after=after),
            audit_values(actor=None, action="petitioner.create", object_type="petitioner", object_id=None,
                         object_repr="王芳" * 150, after={"name": "王芳"}, ip="127.0.0.1")]
    count = AuditEntry.objects.count()
    audit_log_values(rows)
    assert list(verify_chain()) == []
    first, second = AuditEntry.objects.order_by("seq")[count:]
    assert (first.before, first.after) == (_normalise(before), _normalise(after))
    assert (first.actor_id, first.actor_name, first.org_code) == (7, "张三\"\\", Org.objects.first().code)
    assert (second.object_id, len(second.object_repr), second.before) == ("", 200, None)
    audit_log(actor=None, action="audit.export", object_type="audit")  # the chain goes on from the head
    assert list(verify_chain()) == []
