import io
import zipfile

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import Workbook

from qingji.lib.uploads import check_upload


def _zip(name: str, members: dict[str, bytes]) -> SimpleUploadedFile:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for member, data in members.items():
            archive.writestr(member, data)
    return SimpleUploadedFile(name, buffer.getvalue())


def test_it_accepts_a_real_workbook() -> None:
    buffer = io.BytesIO()
    book = Workbook()
    book.active["A1"] = "信访人"
    book.save(buffer)
    assert check_upload(SimpleUploadedFile("台账.xlsx", buffer.getvalue())).extension == ".xlsx"


def test_it_refuses_a_zip_bomb() -> None:
    with pytest.raises(ValidationError, match="压缩炸弹"):
        check_upload(_zip("bomb.xlsx", {"xl/sheet.xml": b"0" * 50_000_000}))


def test_it_refuses_a_nested_archive() -> None:
    with pytest.raises(ValidationError, match="压缩包内含有另一个压缩包"):
        check_upload(_zip("doc.docx", {"word/inner.zip": b"PK\x03\x04abc"}))


def test_it_refuses_a_damaged_archive_and_too_many_entries() -> None:
    with pytest.raises(ValidationError, match="损坏的压缩包"):
        check_upload(SimpleUploadedFile("book.xlsx", b"PK\x03\x04 not really a zip"))
    with pytest.raises(ValidationError, match="压缩包内文件超过 2000 个"):
        check_upload(_zip("many.zip", {f"f{i}.txt": b"x" for i in range(2001)}))


def test_it_refuses_content_that_does_not_match_the_name() -> None:
    with pytest.raises(ValidationError, match="文件内容与扩展名"):
        check_upload(SimpleUploadedFile("photo.png", b"%PDF-1.4 ..."))
