"""Files attached to a case."""

import hashlib
import uuid

from django.core.files.base import ContentFile
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction

from qingji.accounts.models import User
from qingji.audit.services import audit_log
from qingji.ledger.models import Attachment, Case, WorkLogEntry
from qingji.ledger.services.checks import require
from qingji.lib.uploads import check_upload


@transaction.atomic
def attachment_add(
    *, actor: User | None, case: Case, uploaded: UploadedFile, kind: str, work_log: WorkLogEntry | None = None,
) -> Attachment:
    """Store an uploaded file under a random name, after checking its size and real type."""
    require(actor, "case.record_work", case.handling_org)
    checked = check_upload(uploaded)
    data = uploaded.read()
    attachment = Attachment(
        case=case, work_log=work_log, kind=kind, original_name=(uploaded.name or "")[:255],
        content_type=checked.content_type, size=len(data), sha256=hashlib.sha256(data).hexdigest(),
        uploaded_by=actor,
    )
    attachment.file.save(f"{uuid.uuid4().hex}{checked.extension}", ContentFile(data), save=False)
    attachment.save()
    audit_log(actor=actor, action="case.attachment", obj=case,
              after={"file": attachment.original_name, "kind": kind, "sha256": attachment.sha256})
    return attachment
