"""Two users saving at the same moment, each request in its own thread and database connection, on the
test database the suite runs on (on SQLite a file in WAL mode, as in production, not an in-memory one).

A third connection is in the middle of writing the cases' rows while both requests start, so that both
wait for it and then for each other: on SQLite through the busy timeout (every transaction begins
IMMEDIATE, so a request waits before it reads, not when its snapshot is already out of date), on
PostgreSQL on the rows' locks. Neither may see "database is locked"."""

import threading
import time

import pytest
from django.db import connection, transaction
from django.db.models import F
from django.test import Client
from django.urls import reverse

from qingji.ledger.models import Case
from tests.conftest import sign_in
from tests.ledger.factories import make_case


def test_the_sqlite_test_database_is_a_file_in_wal_mode_with_a_busy_timeout(db):
    if connection.vendor != "sqlite":
        pytest.skip("journal mode and busy timeout are SQLite's")
    assert not connection.is_in_memory_db()
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA journal_mode")
        assert cursor.fetchone()[0] == "wal"
        cursor.execute("PRAGMA busy_timeout")
        assert cursor.fetchone()[0] == 20000
    assert connection.transaction_mode == "IMMEDIATE"


def _form(case: Case, summary: str) -> dict[str, object]:
    """The edit form as its page gave it, with the version the user loaded."""
    return {"handling_org": case.handling_org_id, "summary": summary, "source": case.source,
            "registered_on": str(case.registered_on), "version": case.version}


def _waiting_for_locks() -> int:
    """PostgreSQL's sessions now waiting on a lock (SQLite has no such view of its busy handlers)."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM pg_stat_activity "
                       "WHERE datname = current_database() AND wait_event_type = 'Lock'")
        return cursor.fetchone()[0]


def _post_at_once(cases: list[Case], posts: list[tuple[Client, str, dict[str, object]]]) -> list[object]:
    """Each post in its own thread while another connection is writing `cases` (it changes nothing); the
    writer commits once both requests wait for it. Returns each post's response, or the exception its request raised."""
    held, release, started = threading.Event(), threading.Event(), threading.Barrier(len(posts) + 1)
    outcomes: list[object] = [None] * len(posts)

    def hold() -> None:
        try:
            with transaction.atomic():
                Case.objects.filter(pk__in=[c.pk for c in cases]).update(updated_at=F("updated_at"))
                held.set()
                release.wait(30)
        finally:
            connection.close()

    def post(index: int, client: Client, url: str, data: dict[str, object]) -> None:
        started.wait()
        try:
            outcomes[index] = client.post(url, data)
        except Exception as error:  # noqa: BLE001 - what the user would have got instead of a page
            outcomes[index] = error
        finally:
            connection.close()

    holder = threading.Thread(target=hold)
    holder.start()
    assert held.wait(30)
    threads = [threading.Thread(target=post, args=(i, *p)) for i, p in enumerate(posts)]
    for thread in threads:
        thread.start()
    started.wait()
    _until_both_wait(len(posts))
    release.set()
    for thread in [holder, *threads]:
        thread.join(60)
    return outcomes


def _until_both_wait(count: int) -> None:
    """On PostgreSQL, until `count` sessions wait on the holder's locks; SQLite's busy handler cannot be
    seen from outside, so there the requests get a second to reach it."""
    if connection.vendor != "postgresql":
        time.sleep(1)
        return
    deadline = time.monotonic() + 30
    while _waiting_for_locks() < count and time.monotonic() < deadline:
        time.sleep(0.05)


def _clients(users, *names: str) -> list[Client]:  # type: ignore[no-untyped-def]
    """Signed-in clients, their sessions written before any connection holds the database."""
    return [sign_in(Client(), users[name]) for name in names]


@pytest.mark.django_db(transaction=True)
def test_two_users_saving_the_same_case_at_once_one_is_saved_and_the_other_is_shown_what_changed(users, city):
    case = make_case(city["QH-QY-FY"], summary="原始事项")
    mine, theirs = _clients(users, "court_a", "court_a_lead")
    url = reverse("ledger:edit", args=[case.pk])
    outcomes = _post_at_once([case], [(mine, url, _form(case, "卫晓明的修改")),
                                      (theirs, url, _form(case, "褚永强的修改"))])
    errors = [o for o in outcomes if isinstance(o, Exception)]
    assert errors == []
    assert sorted(o.status_code for o in outcomes) == [200, 302]
    saved, refused = sorted(outcomes, key=lambda o: o.status_code, reverse=True)
    winner = "卫晓明的修改" if saved is outcomes[0] else "褚永强的修改"
    version = case.version
    case.refresh_from_db()
    assert case.summary == winner and case.version == version + 1
    body = refused.content.decode()
    assert "alert-warning" in body and winner in body  # what the other user saved, shown to the one refused


@pytest.mark.django_db(transaction=True)
def test_two_users_saving_two_cases_at_once_both_are_saved(users, city):
    first = make_case(city["QH-QY-FY"], summary="原始事项一")
    second = make_case(city["QH-QY-FY"], summary="原始事项二")
    mine, theirs = _clients(users, "court_a", "court_a_lead")
    outcomes = _post_at_once([first, second], [
        (mine, reverse("ledger:edit", args=[first.pk]), _form(first, "第一件的修改")),
        (theirs, reverse("ledger:edit", args=[second.pk]), _form(second, "第二件的修改"))])
    assert [o if isinstance(o, Exception) else o.status_code for o in outcomes] == [302, 302]
    saved = {c.pk: (c.summary, c.version) for c in Case.objects.filter(pk__in=[first.pk, second.pk])}
    assert saved == {first.pk: ("第一件的修改", first.version + 1), second.pk: ("第二件的修改", second.version + 1)}
