"""Petitioners that share an ID number, from before the database refused them: `qingji merge-petitioners`
reports and merges them (audited), and the migration that makes the ID number unique merges what is left."""

import io

import pytest
from django.core.management import call_command
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from tests.ledger.factories import make_case

BEFORE = [("ledger", "0010_category_rules")]


def _duplicates(city):  # type: ignore[no-untyped-def]
    """Two records of one person (one ID number) at two units, and a case that names both; the database taken
    back to before the constraint."""
    from qingji.ledger.models import CasePetitioner, Petitioner

    mine = make_case(city["QH-QY-FY"], name="孙丽")
    kept = mine.petitioners.get()
    executor = MigrationExecutor(connection)
    executor.migrate(BEFORE)
    twin = Petitioner.objects.create(name="孙丽", id_number=kept.id_number, id_number_digest=kept.id_number_digest,
                                     phone="13912345678", phone_digest="x")
    theirs = make_case(city["QH-HY-FY"], name="赵强")
    CasePetitioner.objects.filter(case=theirs).update(petitioner=twin)
    CasePetitioner.objects.create(case=mine, petitioner=twin, position=1)  # the same person twice on one case
    return kept, twin, mine, theirs


def _forward() -> None:
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(executor.loader.graph.leaf_nodes())


@pytest.mark.django_db(transaction=True)
def test_the_command_reports_merges_and_audits_and_the_constraint_then_holds(city):
    from qingji.audit.models import AuditEntry
    from qingji.ledger.models import Petitioner

    kept, twin, mine, theirs = _duplicates(city)
    out = io.StringIO()
    call_command("merge_petitioners", "--dry-run", stdout=out)
    assert f"{twin.pk}" in out.getvalue() and "试运行" in out.getvalue()
    assert Petitioner.objects.filter(pk=twin.pk).exists()
    out = io.StringIO()
    call_command("merge_petitioners", stdout=out)
    assert "已合并 1 名信访人" in out.getvalue()
    assert not Petitioner.objects.filter(pk=twin.pk).exists()
    assert list(theirs.petitioners.all()) == [kept] and list(mine.petitioners.all()) == [kept]
    kept.refresh_from_db()
    assert kept.phone == "13912345678"  # an empty detail taken from the merged record
    entry = AuditEntry.objects.get(action="petitioner.merge")
    assert entry.object_id == str(kept.pk) and entry.after["merged"] == [twin.pk]
    _forward()  # nothing left to merge: the constraint goes on


@pytest.mark.django_db(transaction=True)
def test_the_migration_merges_what_was_left_before_refusing_duplicates(city):
    from django.db import IntegrityError

    from qingji.ledger.models import Petitioner

    kept, twin, mine, theirs = _duplicates(city)
    _forward()
    assert not Petitioner.objects.filter(pk=twin.pk).exists()
    assert list(theirs.petitioners.all()) == [kept]
    with pytest.raises(IntegrityError):
        Petitioner.objects.create(name="孙丽", id_number=kept.id_number, id_number_digest=kept.id_number_digest)
