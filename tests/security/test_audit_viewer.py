"""The auditor reads the audit log in their language: each entry's action by its label and its object by
its name (a case's ledger number, an account's username), never `auth.login` and "case 25"."""

import csv
import io
import re
from html import unescape

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils.html import strip_tags

from qingji.ledger.services import case_update
from tests.conftest import PASSWORD
from tests.ledger.factories import make_case

pytestmark = pytest.mark.django_db

_ROW = re.compile(r'<td class="audit-action"[^>]*>(.*?)</td>\s*<td class="audit-object"[^>]*>(.*?)</td>', re.S)


def _rows(page: str) -> list[tuple[str, str]]:
    """The action and the object of each entry the page lists, as text."""
    return [tuple(" ".join(unescape(strip_tags(cell)).split()) for cell in row) for row in _ROW.findall(page)]


def _sign_in_and_edit_a_case(client, users, city):  # type: ignore[no-untyped-def]
    case = make_case(city["QH-QY-FY"])
    assert client.post(reverse("web:login"), {"username": "court_a", "password": PASSWORD}).status_code == 302
    case_update(actor=users["court_a"], case=case, expected_version=case.version, summary="对二审判决不服")
    return case


def test_a_sign_in_and_an_edited_case_read_as_their_labels_and_names(client, users, city, login):
    case = _sign_in_and_edit_a_case(client, users, city)
    login(users["auditor"])

    rows = _rows(client.get(reverse("security:audit")).content.decode())

    assert ("登录", "账号 court_a") in rows
    assert ("修改案件", f"案件 {case.ledger_no}") in rows
    assert not [row for row in rows if "auth.login" in row[0] or row[1].startswith("case ")]
    english = _rows(client.get(reverse("security:audit"), HTTP_ACCEPT_LANGUAGE="en").content.decode())
    assert ("Sign-in", "Account court_a") in english and ("Case edited", f"Case {case.ledger_no}") in english


def test_the_auditor_filters_by_area_and_by_action_with_their_labels(client, users, city, login):
    case = _sign_in_and_edit_a_case(client, users, city)
    login(users["auditor"])

    page = client.get(reverse("security:audit")).content.decode()
    assert '<optgroup label="登录与双因素认证">' in page
    assert re.search(r'<option value="auth.login"[^>]*>登录</option>', page)
    assert re.search(r'<option value="auth"[^>]*>登录与双因素认证</option>', page)

    signs = _rows(client.get(reverse("security:audit"), {"area": "auth"}).content.decode())
    assert signs and {label for label, _object in signs} <= {"登录", "退出登录", "登录失败"}
    edits = _rows(client.get(reverse("security:audit"), {"action": "case.update"}).content.decode())
    assert edits == [("修改案件", f"案件 {case.ledger_no}")]
    assert _rows(client.get(reverse("security:audit"), {"action": "case.nonsense"}).content.decode()) == []


def test_the_export_carries_each_actions_label(client, users, city, login):
    _sign_in_and_edit_a_case(client, users, city)
    login(users["auditor"])

    export = client.get(reverse("security:audit_export", args=["csv"]), {"area": "auth"})

    header, *rows = list(csv.reader(io.StringIO(export.content.decode("utf-8-sig"))))
    assert header[3:5] == ["操作代码", "操作"]
    assert ["auth.login", "登录"] in [row[3:5] for row in rows]
    assert all(row[3].startswith("auth.") for row in rows)


def test_the_names_are_looked_up_once_per_kind_of_object_for_the_whole_page(client, users, city, login):
    login(users["auditor"])

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert client.get(reverse("security:audit")).status_code == 200
        return len(captured)

    for name in ("甲", "乙"):
        make_case(city["QH-QY-FY"], name=name)
    few = queries()
    for name in ("丙", "丁", "戊", "己", "庚", "辛", "壬", "癸"):
        make_case(city["QH-HY-FY"], name=name)
    assert queries() == few
