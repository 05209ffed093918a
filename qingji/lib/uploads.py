"""Checking uploaded files: size and type, by content rather than by name."""

from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

# Leading bytes → (content type, extensions it may carry).
SIGNATURES: list[tuple[bytes, str, tuple[str, ...]]] = [
    (b"%PDF-", "application/pdf", (".pdf",)),
    (b"\x89PNG\r\n\x1a\n", "image/png", (".png",)),
    (b"\xff\xd8\xff", "image/jpeg", (".jpg", ".jpeg")),
    (b"PK\x03\x04", "application/zip", (".docx", ".xlsx", ".xlsm", ".zip", ".ofd")),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "application/x-ole-storage", (".doc", ".xls")),
]
OOXML_TYPES = {
    ".docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    ".xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    ".xlsm": "application/vnd.ms-excel.sheet.macroEnabled.12",
    ".doc": "application/msword",
    ".xls": "application/vnd.ms-excel",
}


@dataclass(frozen=True)
class CheckedUpload:
    content_type: str
    extension: str


def max_upload_bytes() -> int:
    return int(getattr(settings, "QINGJI_MAX_UPLOAD_MB", 20)) * 1024 * 1024


def check_upload(uploaded) -> CheckedUpload:  # type: ignore[no-untyped-def]
    """Refuse files that are too large or whose content is not an allowed type."""
    if uploaded.size > max_upload_bytes():
        raise ValidationError(_("The file is larger than %(mb)d MB.") % {"mb": max_upload_bytes() // 2**20})
    if uploaded.size == 0:
        raise ValidationError(_("The file is empty."))
    name = uploaded.name.lower()
    extension = name[name.rfind("."):] if "." in name else ""
    uploaded.seek(0)
    head = uploaded.read(16)
    uploaded.seek(0)
    for magic, content_type, extensions in SIGNATURES:
        if head.startswith(magic):
            if extension not in extensions:
                raise ValidationError(_("The file's content does not match its name (%(ext)s).")
                                      % {"ext": extension or "—"})
            return CheckedUpload(OOXML_TYPES.get(extension, content_type), extension)
    raise ValidationError(_("Only PDF, JPEG, PNG, Word and Excel files can be attached."))
