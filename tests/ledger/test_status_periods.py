import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from qingji.audit.models import AuditEntry
from qingji.ledger.models import CaseStatus, SettlementMethod, StatusPeriod
from qingji.ledger.services import CaseChange, case_changes_write, case_transition
from tests.ledger.factories import make_case


def periods(case):
    return [(p.status, p.valid_from, p.valid_to) for p in StatusPeriod.objects.filter(case=case)]


def test_it_keeps_one_period_per_status_with_its_effective_dates(city):
    case = make_case(city["QH-QY-FY"], registered_on=dt.date(2012, 1, 5), status=CaseStatus.CLOSED_SETTLED,
                     method=SettlementMethod.WRITTEN_PLEDGE, closed_on=dt.date(2012, 2, 10))
    assert periods(case) == [
        ("registered", dt.date(2012, 1, 5), dt.date(2012, 1, 5)),
        ("in_progress", dt.date(2012, 1, 5), dt.date(2012, 2, 10)),
        ("closed_settled", dt.date(2012, 2, 10), None),
    ]
    assert case.status == CaseStatus.CLOSED_SETTLED and case.closed_on == dt.date(2012, 2, 10)


def test_it_refuses_a_transition_the_state_machine_does_not_have(city):
    case = make_case(city["QH-QY-FY"])
    with pytest.raises(ValidationError):
        case_transition(actor=None, case=case, to_status=CaseStatus.CLOSURE_REQUESTED)
    assert periods(case)[-1][0] == "registered"


def test_it_refuses_an_effective_date_before_the_current_status(city):
    case = make_case(city["QH-QY-FY"], registered_on=dt.date(2012, 3, 1), status=CaseStatus.IN_PROGRESS)
    with pytest.raises(ValidationError):
        case_transition(actor=None, case=case, to_status=CaseStatus.CLOSURE_REQUESTED,
                        effective_on=dt.date(2012, 2, 1))


def test_it_refuses_settlement_without_a_method(city):
    case = make_case(city["QH-QY-FY"], status=CaseStatus.IN_PROGRESS)
    with pytest.raises(ValidationError):
        case_transition(actor=None, case=case, to_status=CaseStatus.CLOSED_SETTLED)


def test_it_refuses_a_transition_when_the_case_changed_meanwhile(city):
    case = make_case(city["QH-QY-FY"], status=CaseStatus.IN_PROGRESS)
    case_transition(actor=None, case=case, to_status=CaseStatus.CLOSURE_REQUESTED,
                    expected_status=CaseStatus.IN_PROGRESS)
    with pytest.raises(ValidationError):
        case_transition(actor=None, case=case, to_status=CaseStatus.CLOSURE_REQUESTED,
                        expected_status=CaseStatus.IN_PROGRESS)


def test_it_audits_every_transition(city):
    case = make_case(city["QH-QY-FY"], status=CaseStatus.IN_PROGRESS)
    actions = list(AuditEntry.objects.filter(object_type="case", object_id=str(case.pk))
                   .order_by("seq").values_list("action", flat=True))
    assert actions == ["case.register", "case.assign", "case.assign_status"]


def test_a_status_is_written_only_with_the_period_it_begins(city):
    """case_changes_write is the one writer of status changes (the services' and the import's batch): it
    refuses a case's status columns given without the status period, so no status is set another way."""
    case = make_case(city["QH-QY-FY"])
    with pytest.raises(ValueError, match="status period"):
        case_changes_write([CaseChange(case.pk, case.version, columns={"status": CaseStatus.CLOSED_SETTLED})],
                           recorded_by_id=None, now=timezone.now())
    case.refresh_from_db()
    assert case.status == CaseStatus.REGISTERED and periods(case)[-1][0] == "registered"
