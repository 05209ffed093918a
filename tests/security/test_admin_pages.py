import csv
import io

import pytest
from django.urls import reverse

from qingji.accounts.models import User
from qingji.audit.models import AuditEntry
from tests.ledger.factories import make_case

pytestmark = pytest.mark.django_db


def test_the_system_administrator_creates_an_account_that_must_change_its_password(client, users, city, login):
    login(users["sysadmin"])
    response = client.post(reverse("security:account_create"), {
        "username": "newclerk", "full_name": "新书记员", "org": "QH-ZY", "role": "unit_staff",
        "password": "Initial-pass-7"})
    assert response.status_code == 302
    created = User.objects.get(username="newclerk")
    assert created.must_change_password and created.org.code == "QH-ZY"
    # the success message once, not twice (the page and the layout both listed it)
    page = client.get(response["Location"]).content.decode()
    assert page.count("首次登录时须修改密码") == 1
    refused = client.post(reverse("security:account_create"), {
        "username": "weak", "org": "QH-ZY", "role": "unit_staff", "password": "abc"})
    assert refused.status_code == 200 and not User.objects.filter(username="weak").exists()


def test_no_administrator_changes_their_own_role(client, users, login):
    admin = users["sysadmin"]
    login(admin)
    page = client.post(reverse("security:account_edit", args=[admin.pk]),
                       {"action": "role", "org": "QH-ZFW", "role": "auditor"})
    assert "不能修改自己的角色" in page.content.decode()
    admin.refresh_from_db()
    assert admin.role == "sysadmin"


def test_the_system_administrator_sees_no_unit_outside_the_scope(client, users, city, login):
    login(users["sysadmin"])
    body = client.get(reverse("security:units")).content.decode()
    assert "QH-ZY" in body and "BY-ZY" not in body
    assert client.get(reverse("security:unit_edit", args=[city["BY-ZY"].pk])).status_code == 404


def test_administrators_see_no_case_content(client, users, city, login):
    case = make_case(city["QH-QY-FY"], name="甲乙丙")
    for name in ("sysadmin", "secadmin", "auditor"):
        login(users[name])
        assert client.get(reverse("ledger:detail", args=[case.pk])).status_code in (403, 404)
        assert client.get(reverse("ledger:list")).status_code == 403


def test_the_auditor_filters_exports_and_sees_the_chain_check(client, users, city, login):
    login(users["auditor"])
    page = client.get(reverse("security:audit"), {"area": "org"}).content.decode()
    assert "chain-intact" in page and ">新增单位</td>" in page and ">创建账号</td>" not in page
    export = client.get(reverse("security:audit_export", args=["csv"]), {"area": "account"})
    rows = list(csv.reader(io.StringIO(export.content.decode("utf-8-sig"))))
    assert len(rows) > 5 and all(row[3].startswith("account.") for row in rows[1:])
    assert AuditEntry.objects.filter(action="audit.export", actor_name="auditor").exists()
    assert client.get(reverse("security:audit_export", args=["xlsx"])).status_code == 200


def test_the_security_administrator_ends_a_session(client, users, login):
    from django.test import Client

    other = Client()
    other.force_login(users["court"])
    assert other.get(reverse("web:dashboard")).status_code == 200
    login(users["secadmin"])
    from qingji.accounts.models import UserSession

    row = UserSession.objects.get(user=users["court"])
    assert "court" in client.get(reverse("security:sessions")).content.decode()
    client.post(reverse("security:session_end", args=[row.pk]))
    assert other.get(reverse("web:dashboard")).status_code == 302


def test_deactivating_an_account_ends_its_sessions_at_once(client, users, login):
    from django.contrib.sessions.models import Session
    from django.test import Client

    from qingji.accounts.models import UserSession
    from tests.conftest import PASSWORD

    court = users["court"]
    other = Client()
    signed_in = other.post(reverse("web:login"), {"username": "court", "password": PASSWORD})
    assert signed_in.status_code == 302 and other.get(reverse("ledger:list")).status_code == 200
    key = other.session.session_key
    assert Session.objects.filter(session_key=key).exists()

    login(users["sysadmin"])
    client.post(reverse("security:account_active", args=[court.pk]), {"active": "0"})
    court.refresh_from_db()
    assert not court.is_active
    # The session's data is gone from the server, and its next request goes to the sign-in page.
    assert not Session.objects.filter(session_key=key).exists()
    assert not UserSession.objects.filter(user=court).exists()
    assert other.get(reverse("ledger:list"))["Location"].startswith(reverse("web:login"))
    entry = AuditEntry.objects.filter(action="account.deactivate").latest("seq")
    assert entry.after == {"sessions_ended": 1}
    # Nor can the account sign in again until it is reactivated.
    assert other.post(reverse("web:login"), {"username": "court", "password": PASSWORD}).status_code == 200
    client.post(reverse("security:account_active", args=[court.pk]), {"active": "1"})
    assert other.post(reverse("web:login"), {"username": "court", "password": PASSWORD}).status_code == 302


def test_the_system_administrator_edits_its_own_unit(client, users, city, login):
    login(users["sysadmin"])
    own = city["QH-ZFW"]
    url = reverse("security:unit_edit", args=[own.pk])
    response = client.post(url, {"code": own.code, "name": "清河市委政法委员会", "kind": own.kind, "level": own.level,
                                 "region_code": own.region_code})
    assert response.status_code == 302
    own.refresh_from_db()
    assert own.name == "清河市委政法委员会" and own.superior == city["JC-ZFW"]
