"""Two approvers press the button at the same moment, each in its own connection and transaction."""

import threading

import pytest
from django.core.exceptions import ValidationError
from django.db import connection

from qingji.accounts.roles import Role
from qingji.lifecycle.models import Proceeding
from qingji.lifecycle.services import closure_request, proceeding_decide
from tests.conftest import make_user
from tests.lifecycle.helpers import case_in_progress, days_ago, pledge


@pytest.mark.django_db(transaction=True)
def test_two_approvers_in_two_transactions_one_wins_and_nothing_is_applied_twice(users, city):
    case = case_in_progress(city["QH-QY-FY"])
    proceeding = closure_request(actor=users["court_a"], case=case, method="written_pledge",
                                 concluded_on=days_ago(3), evidence_files=[pledge()])
    leaders = [users["court_a_lead"], make_user("court_a_lead2", city["QH-QY-FY"], Role.UNIT_LEADER)]
    barrier, outcomes = threading.Barrier(2), []

    def press(leader, approve):  # type: ignore[no-untyped-def]
        seen = Proceeding.objects.get(pk=proceeding.pk)  # both loaded the request at the same step
        barrier.wait()
        try:
            proceeding_decide(actor=leader, proceeding=seen, step="unit_leader", approve=approve,
                              opinion="" if approve else "材料不全")
            outcomes.append("decided")
        except ValidationError:
            outcomes.append("refused")
        except Exception as error:  # noqa: BLE001 - e.g. SQLite's "database is locked", shown in the failure
            outcomes.append(repr(error))
        finally:
            connection.close()

    threads = [threading.Thread(target=press, args=(leader, i == 0)) for i, leader in enumerate(leaders)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    assert sorted(outcomes) == ["decided", "refused"]
    proceeding.refresh_from_db()
    assert proceeding.decisions.filter(step="unit_leader").count() == 1
    assert proceeding.version == 2
