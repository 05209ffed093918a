"""lib/bulk: the background writer and keys allocated ahead of the rows, on the test's own connection and
transaction (both databases)."""

import pytest
from django.db import IntegrityError, transaction

from qingji.lib.bulk import BackgroundWriter, allocate_ids, insert_values
from qingji.organisations.models import Official

COLUMNS = ("id", "org_id", "name", "title")


def _rows(org, ids, names):
    return [(pk, org.pk, name, "") for pk, name in zip(ids, names, strict=True)]


def test_rows_written_in_the_background_are_there_after_sync_in_the_callers_transaction(city):
    org = city["QH-ZY"]
    with transaction.atomic():
        with BackgroundWriter() as writer:
            ids = allocate_ids(Official, 3)
            writer.submit(insert_values, Official, COLUMNS, _rows(org, ids, ["甲", "乙", "丙"]))
            writer.sync()
            assert sorted(Official.objects.filter(pk__in=ids).values_list("name", flat=True)) == ["丙", "乙", "甲"]
            more = allocate_ids(Official, 2)
            assert min(more) > max(ids)
            writer.submit(insert_values, Official, COLUMNS, _rows(org, more, ["丁", "戊"]))
        # leaving the block waited for the last rows; an ordinary save after them takes the next key
        later = Official.objects.create(org=org, name="己")
        assert later.pk > max(more)
        transaction.set_rollback(True)
    assert not Official.objects.filter(name__in=["甲", "乙", "丙", "丁", "戊", "己"]).exists()


def test_an_error_in_the_background_is_raised_by_sync_and_later_calls_are_skipped(city):
    org = city["QH-ZY"]
    before = Official.objects.count()
    done = []
    with pytest.raises(IntegrityError), transaction.atomic(), BackgroundWriter() as writer:
        ids = allocate_ids(Official, 2)
        writer.submit(insert_values, Official, COLUMNS, _rows(org, ids, ["甲", "乙"]))
        writer.submit(insert_values, Official, COLUMNS, _rows(org, ids[:1], ["重复"]))  # the same key again
        writer.submit(done.append, "after the error")
        writer.sync()
    assert done == []
    assert Official.objects.count() == before  # the whole transaction was rolled back


def test_sqlite_gets_a_large_page_cache_while_rows_go_in_and_its_own_back_after(db, settings):
    from django.db import connection

    from qingji.lib.bulk import large_page_cache

    if connection.vendor != "sqlite":
        pytest.skip("the page cache is the PostgreSQL server's")
    settings.QINGJI_BULK_CACHE_MB = 64
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA cache_size")
        before = cursor.fetchone()[0]
        with large_page_cache():
            cursor.execute("PRAGMA cache_size")
            assert cursor.fetchone()[0] == -64 * 1024
        cursor.execute("PRAGMA cache_size")
        assert cursor.fetchone()[0] == before


def test_a_query_of_the_callers_while_the_writer_has_work_is_refused(city):
    import threading

    org = city["QH-ZY"]
    officials = Official.objects.filter(org=org).count()
    release = threading.Event()
    with transaction.atomic(), BackgroundWriter() as writer:
        writer.submit(release.wait, 10)  # the writer is busy until released
        with pytest.raises(RuntimeError, match="sync"):
            Official.objects.filter(org=org).count()
        release.set()
        writer.sync()
        assert Official.objects.filter(org=org).count() == officials  # after sync() the connection is the caller's
