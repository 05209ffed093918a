import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from qingji.accounts.services import user_create, user_set_password
from qingji.audit.models import AuditEntry
from qingji.security.policy import LOGIN_AT_KEY
from tests.conftest import PASSWORD

pytestmark = pytest.mark.django_db


def _sign_in(client, username: str, password: str = PASSWORD):  # type: ignore[no-untyped-def]
    return client.post(reverse("web:login"), {"username": username, "password": password})


def test_it_locks_an_account_after_five_failures_and_the_security_administrator_unlocks_it(client, users, login):
    for _ in range(5):
        _sign_in(client, "court", "wrong-Pass-1")
    locked = _sign_in(client, "court")
    assert locked.status_code == 429 and "锁定" in locked.content.decode()
    assert AuditEntry.objects.filter(action="auth.locked_out", object_repr="court").exists()
    assert AuditEntry.objects.filter(action="auth.login_failed").count() >= 5

    admin = Client()
    from tests.conftest import sign_in
    sign_in(admin, users["secadmin"])
    assert "court" in admin.get(reverse("security:policy")).content.decode()
    admin.post(reverse("security:unlock"), {"username": "court"})
    assert AuditEntry.objects.filter(action="auth.unlock", object_repr="court").exists()
    assert _sign_in(Client(), "court").status_code == 302


def test_it_refuses_one_of_the_last_five_passwords(users):
    user = users["court"]
    for index in range(1, 6):
        user_set_password(actor=user, user=user, password=f"New-pass-{index}x")
    with pytest.raises(ValidationError):
        user_set_password(actor=user, user=user, password="New-pass-3x")
    user_set_password(actor=user, user=user, password="Brand-new-9x")


def test_it_forces_an_administrator_created_account_to_change_its_password(client, city, users, login):
    created = user_create(actor=users["sysadmin"], username="newbie", password="Initial-pass-1", org=city["QH-ZY"],
                          role="unit_staff", must_change_password=True)
    login(created)
    response = client.get(reverse("ledger:list"))
    assert response.status_code == 302 and response["Location"] == reverse("security:password_change")
    changed = client.post(reverse("security:password_change"), {
        "old_password": "Initial-pass-1", "new_password1": "Own-choice-22", "new_password2": "Own-choice-22"})
    assert changed.status_code == 302
    assert client.get(reverse("ledger:list")).status_code == 200


def test_it_forces_a_change_when_the_password_is_older_than_ninety_days(client, users, login):
    user = users["court"]
    user.password_changed_at = timezone.now() - dt.timedelta(days=91)
    user.save(update_fields=["password_changed_at"])
    login(user)
    assert client.get(reverse("web:dashboard"))["Location"] == reverse("security:password_change")


def test_demo_and_fixture_accounts_are_not_forced(client, users, login):
    login(users["court"])
    assert client.get(reverse("web:dashboard")).status_code == 200


def test_it_ends_a_session_after_twelve_hours_even_when_active(client, users, login):
    login(users["court"])
    session = client.session
    session[LOGIN_AT_KEY] = (timezone.now() - dt.timedelta(hours=12, minutes=1)).isoformat()
    session.save()
    response = client.get(reverse("web:dashboard"))
    assert response.status_code == 302 and "/login/" in response["Location"]
    assert client.get(reverse("web:dashboard")).status_code == 302


def test_a_new_sign_in_ends_the_accounts_other_session(users):
    first, second = Client(), Client()
    assert _sign_in(first, "court").status_code == 302
    assert first.get(reverse("web:dashboard")).status_code == 200
    assert _sign_in(second, "court").status_code == 302
    assert second.get(reverse("web:dashboard")).status_code == 200
    assert first.get(reverse("web:dashboard")).status_code == 302


def test_it_refuses_a_form_without_the_csrf_token_with_a_chinese_page(users):
    client = Client(enforce_csrf_checks=True)
    client.force_login(users["court"])
    response = client.post(reverse("security:password_change"), {"old_password": PASSWORD})
    assert response.status_code == 403
    assert "表单" in response.content.decode() or "令牌" in response.content.decode()
