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
    entry = audit_log(actor=None, action="test.event", after={"x": 1})
    entry.action = "changed"
    with pytest.raises(RuntimeError):
        entry.save()
    with pytest.raises(RuntimeError):
        entry.delete()
