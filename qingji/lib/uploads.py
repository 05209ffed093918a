"""Checking uploaded files: size and type, by content rather than by name."""

import zipfile
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
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


# Zip-bomb guard for xlsx/docx/zip: a workbook or document of a few MB never needs more.
ZIP_MAX_ENTRIES = 2000
ZIP_MAX_TOTAL_BYTES = 200 * 1024 * 1024
ZIP_MAX_RATIO = 100


def check_zip(uploaded: UploadedFile) -> None:
    """Refuse archives that expand too far, hold too many entries, or nest other archives."""
    uploaded.seek(0)
    try:
        with zipfile.ZipFile(uploaded) as archive:
            entries = archive.infolist()
    except (zipfile.BadZipFile, OSError, ValueError) as error:
        raise ValidationError(_("The file is a damaged archive.")) from error
    finally:
        uploaded.seek(0)
    if len(entries) > ZIP_MAX_ENTRIES:
        raise ValidationError(_("The archive holds more than %(n)d files.") % {"n": ZIP_MAX_ENTRIES})
    total = sum(entry.file_size for entry in entries)
    packed = sum(entry.compress_size for entry in entries)
    if total > ZIP_MAX_TOTAL_BYTES or total > ZIP_MAX_RATIO * max(packed, 1):
        raise ValidationError(_("The archive expands to an unreasonable size (possible zip bomb)."))
    for entry in entries:
        if entry.filename.lower().endswith((".zip", ".xlsx", ".docx", ".xlsm", ".jar", ".7z", ".rar")):
            raise ValidationError(_("The archive contains another archive (%(name)s).") % {"name": entry.filename})


@dataclass(frozen=True)
class CheckedUpload:
    content_type: str
    extension: str


def max_upload_bytes() -> int:
    return int(getattr(settings, "QINGJI_MAX_UPLOAD_MB", 20)) * 1024 * 1024


def check_upload(uploaded: UploadedFile) -> CheckedUpload:
    """Refuse files that are too large or whose content is not an allowed type."""
    size = uploaded.size or 0
    if size > max_upload_bytes():
        raise ValidationError(_("The file is larger than %(mb)d MB.") % {"mb": max_upload_bytes() // 2**20})
    if size == 0:
        raise ValidationError(_("The file is empty."))
    name = (uploaded.name or "").lower()
    extension = name[name.rfind("."):] if "." in name else ""
    uploaded.seek(0)
    head = uploaded.read(16)
    uploaded.seek(0)
    for magic, content_type, extensions in SIGNATURES:
        if head.startswith(magic):
            if extension not in extensions:
                raise ValidationError(_("The file's content does not match its name (%(ext)s).")
                                      % {"ext": extension or "—"})
            if content_type == "application/zip":
                check_zip(uploaded)
            return CheckedUpload(OOXML_TYPES.get(extension, content_type), extension)
    raise ValidationError(_("Only PDF, JPEG, PNG, Word and Excel files can be attached."))
