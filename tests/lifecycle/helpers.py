"""Shared steps of the lifecycle tests."""

import datetime as dt

from django.core.files.uploadedfile import SimpleUploadedFile

from qingji.ledger.models import CaseStatus, WorkKind
from qingji.ledger.services import work_log_add
from tests.ledger.factories import make_case
from tests.world_ledger import PDF

START = dt.date.today() - dt.timedelta(days=120)


def pledge() -> SimpleUploadedFile:
    return SimpleUploadedFile("息诉罢访保证书.pdf", PDF)


def case_in_progress(unit, **kwargs):  # type: ignore[no-untyped-def]
    return make_case(unit, registered_on=START, status=CaseStatus.IN_PROGRESS, **kwargs)


def days_ago(n: int) -> dt.date:
    return dt.date.today() - dt.timedelta(days=n)


def with_hearing(case, day: dt.date | None = None):  # type: ignore[no-untyped-def]
    """A public hearing (公开听证) in the case's work log: what the default `termination.requires` asks."""
    work_log_add(actor=None, case=case, kind=WorkKind.HEARING, date=day or START + dt.timedelta(days=30),
                 content="组织公开听证，听证员一致认为原处理正确", participants="人大代表、政协委员、律师")
    return case


def terminable(unit, **kwargs):  # type: ignore[no-untyped-def]
    """A case in progress with a leader in charge and a public hearing: it may be proposed for termination."""
    return with_hearing(case_in_progress(unit, **kwargs))


