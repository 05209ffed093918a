"""`qingji remind`: the rules, each notice sent once, and the claims that keep two loops from running twice."""

import datetime as dt

from django.utils import timezone

from qingji.ledger.models import CaseStatus
from qingji.ledger.services import case_transition, work_log_add
from qingji.supervision.models import Notification
from qingji.supervision.scan import run_scan
from qingji.supervision.schedule import claim
from qingji.supervision.tasks import remind_task
from tests.ledger.factories import make_case

D = dt.date


def test_it_claims_each_run_once(db):
    now = timezone.now()
    day = dt.timedelta(days=1)
    assert claim("remind", now=now, interval=day) is True
    assert claim("remind", now=now, interval=day) is False  # a second process at the same moment
    assert claim("remind", now=now + dt.timedelta(hours=23), interval=day) is False
    assert claim("remind", now=now + day, interval=day) is True


def test_it_tells_the_lead_official_and_the_committee_of_a_case_petitioned_again(city, users):
    case = make_case(city["QH-QY-FY"], status=CaseStatus.CLOSED_SETTLED, method="written_pledge",
                     registered_on=D(2012, 1, 5), closed_on=D(2012, 2, 1))
    case_transition(actor=None, case=case, to_status=CaseStatus.IN_PROGRESS, effective_on=D(2012, 3, 1))
    assert run_scan(D(2012, 3, 2))["reopened"] > 0
    told = set(Notification.objects.filter(kind="reopened").values_list("user__username", flat=True))
    assert {"committee", "committee_lead", "court_a"} <= told
    assert run_scan(D(2012, 3, 3))["reopened"] == 0


def test_it_sends_no_half_time_notice_when_work_is_recorded(city, users):
    case = make_case(city["QH-HY-FY"], status=CaseStatus.IN_PROGRESS, registered_on=D(2012, 1, 1))
    work_log_add(actor=None, case=case, kind="reception", date=D(2012, 1, 10), content="接待信访人")
    assert run_scan(D(2012, 3, 1))["half_time"] == 0
    other = make_case(city["QH-HY-FY"], status=CaseStatus.IN_PROGRESS, registered_on=D(2012, 1, 1))
    assert run_scan(D(2012, 2, 14))["half_time"] == 0  # 44 of 90 days gone
    assert run_scan(D(2012, 2, 15))["half_time"] == 1
    assert Notification.objects.get(kind="half_time").title.endswith("尚无工作记录")
    assert other.ledger_no in Notification.objects.get(kind="half_time").title


def test_the_task_runs_the_same_scan(city, users):
    make_case(city["QH-HY-FY"], status=CaseStatus.IN_PROGRESS, registered_on=D(2012, 1, 1))
    result = remind_task.enqueue("2012-03-01")
    assert result.return_value["half_time"] == 1
    assert remind_task.enqueue("2012-03-01").return_value["half_time"] == 0


def test_it_tells_the_committee_when_the_next_bulletin_is_due(city, users):
    from qingji.campaigns.bulletins import bulletin_issue
    from tests.campaigns.helpers import make_campaign

    campaign = make_campaign(city)
    bulletin_issue(actor=None, campaign=campaign, as_of=D(2012, 1, 31), cadence="weekly")
    assert run_scan(D(2012, 2, 6))["bulletins"] == 0
    assert run_scan(D(2012, 2, 7))["bulletins"] == 2  # committee staff and leader
    told = Notification.objects.filter(kind="bulletin_due").values_list("user__username", flat=True)
    assert sorted(told) == ["committee", "committee_lead"]
    assert run_scan(D(2012, 2, 8))["bulletins"] == 0


def test_a_unit_whose_rules_turn_half_time_off_gets_no_half_time_notice(city, users):
    from qingji.rules.services import rule_set

    rule_set(actor=None, org=city["QH-HY-FY"], key="supervision.half_time", value=False, reason="本院不发")
    quiet = make_case(city["QH-HY-FY"], status=CaseStatus.IN_PROGRESS, registered_on=D(2012, 1, 1))
    other = make_case(city["QH-QY-FY"], status=CaseStatus.IN_PROGRESS, registered_on=D(2012, 1, 1))
    assert run_scan(D(2012, 3, 1))["half_time"] > 0
    titles = " ".join(Notification.objects.filter(kind="half_time").values_list("title", flat=True))
    assert other.ledger_no in titles and quiet.ledger_no not in titles


def test_a_reopening_is_told_within_the_units_lookback_days(city, users):
    from qingji.rules.services import rule_set

    case = make_case(city["QH-QY-FY"], status=CaseStatus.CLOSED_SETTLED, method="written_pledge",
                     registered_on=D(2012, 1, 5), closed_on=D(2012, 2, 1))
    case_transition(actor=None, case=case, to_status=CaseStatus.IN_PROGRESS, effective_on=D(2012, 3, 1))
    assert run_scan(D(2012, 4, 15))["reopened"] == 0  # 45 days ago: past the default 30
    rule_set(actor=None, org=city["QH-ZY"], key="supervision.reopened_lookback_days", value=60)
    assert run_scan(D(2012, 4, 15))["reopened"] > 0
