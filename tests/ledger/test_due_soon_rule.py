""""Due soon" is the local rule `deadline.due_soon_days` of each case's handling unit: the intermediate court sets
3 days for its basic courts, the police keep the default 7, on the ledger's filter and cells, the dashboard's
count, the deadlines page and the reminder scan alike."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from qingji.ledger.models import CaseStatus
from qingji.ledger.services import case_update
from qingji.reports.dashboard import figures_panel
from qingji.rules.services import rule_set
from qingji.supervision.models import Notification
from qingji.supervision.scan import run_scan
from tests.ledger.factories import make_case


def _case(org, days_left: int, no: str):  # type: ignore[no-untyped-def]
    today = timezone.localdate()
    case = make_case(org, name="王芳", ledger_no=no, status=CaseStatus.IN_PROGRESS,
                     registered_on=today - dt.timedelta(days=60))
    return case_update(actor=None, case=case, expected_version=case.version,
                       deadline=today + dt.timedelta(days=days_left))


@pytest.fixture
def cases(city):  # type: ignore[no-untyped-def]
    rule_set(actor=None, org=city["QH-ZY"], key="deadline.due_soon_days", value=3, reason="两级法院三日预警")
    return {
        "court_in_2": _case(city["QH-QY-FY"], 2, "FY-2"),  # due soon for the courts (3 days)
        "court_in_5": _case(city["QH-QY-FY"], 5, "FY-5"),  # not yet for the courts
        "police_in_5": _case(city["QH-GAJ"], 5, "GA-5"),  # due soon by the default 7 days
        "police_in_9": _case(city["QH-GAJ"], 9, "GA-9"),
    }


def _ledger(client, **params):  # type: ignore[no-untyped-def]
    return client.get(reverse("ledger:list"), params).content.decode()


def test_the_ledger_filter_and_cells_count_each_units_days(cases, users, client):
    client.force_login(users["committee"])
    due = _ledger(client, deadline="due7")
    assert "FY-2" in due and "GA-5" in due and "FY-5" not in due and "GA-9" not in due
    on_time = _ledger(client, deadline="on_time")
    assert "FY-5" in on_time and "GA-9" in on_time and "FY-2" not in on_time and "GA-5" not in on_time
    rows = {row.split("/\">", 1)[1].split("<", 1)[0]: row for row in _ledger(client).split("<tr>")
            if 'href="/cases/' in row}
    assert "即将到期" in rows["FY-2"] and "即将到期" in rows["GA-5"]
    assert "即将到期" not in rows["FY-5"] and "即将到期" not in rows["GA-9"]


def test_the_dashboard_counts_each_units_due_soon_cases(cases, users):
    assert figures_panel(users["committee"])["due_week"] == 2


def test_the_deadlines_page_lists_each_units_due_soon_cases(cases, users, client):
    client.force_login(users["committee"])
    page = client.get(reverse("supervision:deadlines")).content.decode()
    due = page.split("即将到期", 1)[1]
    assert "FY-2" in due and "GA-5" in due and "FY-5" not in page and "GA-9" not in page
    asked = client.get(reverse("supervision:deadlines"), {"days": 6}).content.decode()
    assert "FY-5" in asked and "GA-9" not in asked  # days asked for: the same for every unit


def test_the_reminder_scan_sends_due_soon_by_each_units_days(cases, users):
    assert run_scan(timezone.localdate())["due_soon"] > 0
    titles = " ".join(Notification.objects.filter(kind="due_soon").values_list("title", flat=True))
    assert "FY-2" in titles and "GA-5" in titles and "FY-5" not in titles and "GA-9" not in titles


def test_more_units_with_rules_of_their_own_cost_the_scan_no_query(city, cases, users):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    today = timezone.localdate()
    rule_set(actor=None, org=city["QH-YN-FY"], key="supervision.reopened_lookback_days", value=90)
    run_scan(today)
    with CaptureQueriesContext(connection) as before:
        run_scan(today)  # sends nothing twice
    for code in ("QH-JCY", "QH-SFJ", "QH-AP-FY"):  # units without cases: the same notices
        rule_set(actor=None, org=city[code], key="deadline.due_soon_days", value=5)
        rule_set(actor=None, org=city[code], key="supervision.reopened_lookback_days", value=60)
    with CaptureQueriesContext(connection) as after:
        run_scan(today)
    assert len(after) == len(before)
