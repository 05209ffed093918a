"""Shared steps of the lifecycle tests."""

import datetime as dt

from django.core.files.uploadedfile import SimpleUploadedFile

from qingji.ledger.models import CaseStatus
from tests.ledger.factories import make_case
from tests.world_ledger import PDF

START = dt.date.today() - dt.timedelta(days=120)


def pledge() -> SimpleUploadedFile:
    return SimpleUploadedFile("息诉罢访保证书.pdf", PDF)


def case_in_progress(unit, **kwargs):  # type: ignore[no-untyped-def]
    return make_case(unit, registered_on=START, status=CaseStatus.IN_PROGRESS, **kwargs)


def days_ago(n: int) -> dt.date:
    return dt.date.today() - dt.timedelta(days=n)
