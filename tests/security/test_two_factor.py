import time

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django_otp.oath import TOTP
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from qingji.audit.models import AuditEntry
from qingji.security.services import two_factor_disable

pytestmark = pytest.mark.django_db


def _code(device: TOTPDevice, steps_ahead: int = 0) -> str:
    """The code an authenticator app shows now (or at the next time step: a code is accepted once)."""
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    totp.time = time.time() + steps_ahead * device.step
    return f"{totp.token():0{device.digits}d}"


def test_an_administrator_must_enrol_before_any_page_and_then_verify_at_each_sign_in(client, users):
    admin = users["auditor"]
    client.force_login(admin)
    assert client.get(reverse("security:audit"))["Location"] == reverse("security:otp_setup")
    page = client.post(reverse("security:otp_setup"), {"action": "start"}, follow=True).content.decode()
    assert "<svg" in page and "http" not in page.split("<svg", 1)[1].split("</svg>", 1)[0].replace(
        "http://www.w3.org", "")
    device = TOTPDevice.objects.get(user=admin, confirmed=False)

    codes_page = client.post(reverse("security:otp_setup"), {"token": _code(device)}).content.decode()
    assert client.get(reverse("security:audit")).status_code == 200
    assert AuditEntry.objects.filter(action="auth.otp_enrol", actor_name="auditor").exists()

    recovery = [line.strip() for line in codes_page.split("<li>")[1:11]]
    recovery = [code.split("<")[0] for code in recovery]
    assert len(recovery) == 10

    client.logout()
    client.force_login(admin)
    assert client.get(reverse("security:audit"))["Location"] == reverse("security:otp_verify")
    assert client.post(reverse("security:otp_verify"), {"token": recovery[0]}).status_code == 302
    assert client.get(reverse("security:audit")).status_code == 200

    client.logout()
    client.force_login(admin)
    refused = client.post(reverse("security:otp_verify"), {"token": recovery[0]})  # single use
    assert "无效" in refused.content.decode()
    assert client.get(reverse("security:audit")).status_code == 302
    assert AuditEntry.objects.filter(action="auth.otp_failed", actor_name="auditor").exists()


def test_ordinary_accounts_need_no_second_factor_but_may_switch_it_on(client, users):
    user = users["court"]
    client.force_login(user)
    assert client.get(reverse("ledger:list")).status_code == 200
    client.post(reverse("security:otp_setup"), {"action": "start"})
    device = TOTPDevice.objects.get(user=user)
    client.post(reverse("security:otp_setup"), {"token": _code(device)})
    client.logout()
    client.force_login(user)
    assert client.get(reverse("ledger:list"))["Location"] == reverse("security:otp_verify")
    client.post(reverse("security:otp_verify"), {"token": _code(device, steps_ahead=1)})
    assert client.get(reverse("ledger:list")).status_code == 200


def _writes(queries: CaptureQueriesContext) -> list[str]:
    """The statements that wrote, except the session's: every request renews its idle timeout."""
    return [sql for sql in (q["sql"] for q in queries.captured_queries)
            if sql.lstrip().upper().startswith(("INSERT", "UPDATE", "DELETE")) and "django_session" not in sql]


@pytest.mark.parametrize("name", ["court", "auditor"])
def test_opening_the_enrolment_page_writes_nothing(client, users, name):
    """A GET never writes: the pending authenticator comes from the page's button (a POST), so a link
    prefetched, reloaded or opened by a crawler leaves no device behind."""
    user = users[name]
    client.force_login(user)
    with CaptureQueriesContext(connection) as queries:
        page = client.get(reverse("security:otp_setup"))
    assert page.status_code == 200 and _writes(queries) == []
    assert not TOTPDevice.objects.filter(user=user).exists()

    started = client.post(reverse("security:otp_setup"), {"action": "start"})
    assert started["Location"] == reverse("security:otp_setup")
    device = TOTPDevice.objects.get(user=user, confirmed=False)
    with CaptureQueriesContext(connection) as queries:
        again = client.get(reverse("security:otp_setup")).content.decode()
    assert _writes(queries) == [] and "<svg" in again
    client.post(reverse("security:otp_setup"), {"action": "start"})  # a second click reuses the pending device
    assert list(TOTPDevice.objects.filter(user=user)) == [device]


def _enrol(client, user) -> tuple[TOTPDevice, list[str]]:
    client.force_login(user)
    client.post(reverse("security:otp_setup"), {"action": "start"})
    device = TOTPDevice.objects.get(user=user, confirmed=False)
    page = client.post(reverse("security:otp_setup"), {"token": _code(device)}).content.decode()
    codes = [item.split("<")[0].strip() for item in page.split("<li>")[1:11]]
    return device, codes


def test_new_recovery_codes_replace_the_old_ones(client, users):
    user = users["court"]
    _device, old = _enrol(client, user)
    page = client.post(reverse("security:recovery_codes")).content.decode()
    new = [item.split("<")[0].strip() for item in page.split("<li>")[1:11]]
    assert len(new) == 10 and not set(new) & set(old)
    assert set(StaticToken.objects.filter(device__user=user).values_list("token", flat=True)) == set(new)
    assert AuditEntry.objects.filter(action="auth.recovery_codes", actor_name="court").exists()


def test_switching_two_factor_off_removes_the_authenticator_and_the_codes(client, users):
    user = users["court"]
    _enrol(client, user)
    assert client.post(reverse("security:otp_disable"))["Location"] == reverse("security:account")
    assert not TOTPDevice.objects.filter(user=user).exists()
    assert not StaticDevice.objects.filter(user=user).exists()
    assert AuditEntry.objects.filter(action="auth.otp_disable", actor_name="court").exists()
    client.logout()
    client.force_login(user)
    assert client.get(reverse("ledger:list")).status_code == 200  # no second factor asked any more


def test_an_administrator_cannot_switch_two_factor_off(client, users, login):
    admin = users["auditor"]
    login(admin)
    page = client.post(reverse("security:otp_disable"), follow=True).content.decode()
    assert "不能关闭" in page
    assert TOTPDevice.objects.filter(user=admin, confirmed=True).exists()
    with pytest.raises(ValueError):
        two_factor_disable(actor=admin, user=admin)
    assert not AuditEntry.objects.filter(action="auth.otp_disable").exists()
