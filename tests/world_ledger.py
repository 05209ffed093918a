"""Ledger objects for the access test: one open case in every unit."""

from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile

from qingji.ledger.models import CaseStatus
from qingji.ledger.services import attachment_add
from tests.ledger.factories import make_case

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def build(world: dict[str, Any]) -> None:
    world["cases"] = {
        code: make_case(unit, name=f"信访人{index}", status=CaseStatus.IN_PROGRESS)
        for index, (code, unit) in enumerate(sorted(world["units"].items()))
    }
    world["attachments"] = {
        case.pk: attachment_add(actor=None, case=case, uploaded=SimpleUploadedFile("保证书.pdf", PDF), kind="pledge")
        for case in world["cases"].values()
    }
