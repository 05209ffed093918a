"""Making cases for tests, through the services (so status periods and audit are right)."""

import datetime as dt
import itertools

from qingji.ledger.models import Case, CaseStatus, Source
from qingji.ledger.services import case_record_status, case_register, petitioner_create, responsibility_assign
from qingji.organisations.models import Official, Org

_counter = itertools.count(1)


def valid_id_number(birth: str = "19700101", area: str = "110101", seq: int | None = None) -> str:
    """An 18-character ID number with the right GB 11643 check digit."""
    seq = next(_counter) % 1000 if seq is None else seq
    body = f"{area}{birth}{seq:03d}"
    weights = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
    check = "10X98765432"[sum(int(d) * w for d, w in zip(body, weights, strict=True)) % 11]
    return body + check


def make_case(
    org: Org, *, name: str = "张三", summary: str = "对判决不服，反复上访", source: str = Source.CITY_COMMITTEE,
    registered_on: dt.date = dt.date(2012, 1, 5), status: str = CaseStatus.REGISTERED, method: str = "",
    closed_on: dt.date | None = None, **kwargs,
) -> Case:
    petitioner = petitioner_create(actor=None, name=name, id_number=valid_id_number())
    case = case_register(actor=None, handling_org=org, summary=summary, source=source,
                         petitioners=[petitioner], registered_on=registered_on, **kwargs)
    if status != CaseStatus.REGISTERED:
        official = Official.objects.filter(org=org).first() or Official.objects.create(org=org, name="李四")
        responsibility_assign(actor=None, case=case, lead_official=official, plan="化解方案",
                              deadline=registered_on + dt.timedelta(days=90), effective_on=registered_on)
        case.refresh_from_db()
    if status in (CaseStatus.CLOSED_SETTLED, CaseStatus.CLOSED_UNSETTLED, CaseStatus.CLOSURE_REQUESTED):
        case = case_record_status(actor=None, case=case, status=status, method=method,
                                  effective_on=closed_on or registered_on + dt.timedelta(days=30))
    return case
