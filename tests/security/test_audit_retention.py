import datetime as dt

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.utils import timezone

from qingji.audit import services
from qingji.audit.models import AuditEntry, AuditHead
from qingji.audit.services import audit_log, verify_chain


def _log_at(monkeypatch, when: dt.datetime, action: str) -> AuditEntry:  # type: ignore[no-untyped-def]
    monkeypatch.setattr(services.timezone, "now", lambda: when)
    try:
        return audit_log(actor=None, action=action)
    finally:
        monkeypatch.setattr(services.timezone, "now", timezone.now)


@pytest.mark.django_db
def test_it_prunes_old_entries_and_the_chain_still_verifies(monkeypatch, capsys) -> None:
    now = timezone.now()
    old = [_log_at(monkeypatch, now - dt.timedelta(days=400 - i), "auth.login") for i in range(3)]
    recent = _log_at(monkeypatch, now - dt.timedelta(days=10), "auth.logout")

    call_command("audit", "prune", "--older-than-days", "180")

    assert not AuditEntry.objects.filter(seq__lte=old[-1].seq).exists()
    assert AuditEntry.objects.filter(pk=recent.pk).exists()
    assert AuditEntry.objects.filter(action="audit.prune").exists()
    assert AuditHead.objects.get(pk=1).base_seq == old[-1].seq + 1
    assert list(verify_chain()) == []
    call_command("audit", "verify")
    assert "3" in capsys.readouterr().out.splitlines()[0]


@pytest.mark.django_db
def test_it_keeps_at_least_180_days(monkeypatch) -> None:
    with pytest.raises(CommandError):
        call_command("audit", "prune", "--older-than-days", "30")


@pytest.mark.django_db
def test_it_deletes_nothing_from_a_broken_chain(monkeypatch) -> None:
    now = timezone.now()
    first = _log_at(monkeypatch, now - dt.timedelta(days=400), "auth.login")
    _log_at(monkeypatch, now - dt.timedelta(days=1), "auth.logout")
    with connection.cursor() as cursor:
        cursor.execute(f"UPDATE {AuditEntry._meta.db_table} SET action = %s WHERE id = %s", ["forged", first.pk])
    with pytest.raises(CommandError):
        call_command("audit", "prune")
    assert AuditEntry.objects.filter(pk=first.pk).exists()
