import time

import pytest
from django.urls import reverse
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from qingji.audit.models import AuditEntry

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
    page = client.get(reverse("security:otp_setup")).content.decode()
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
    client.get(reverse("security:otp_setup"))
    device = TOTPDevice.objects.get(user=user)
    client.post(reverse("security:otp_setup"), {"token": _code(device)})
    client.logout()
    client.force_login(user)
    assert client.get(reverse("ledger:list"))["Location"] == reverse("security:otp_verify")
    client.post(reverse("security:otp_verify"), {"token": _code(device, steps_ahead=1)})
    assert client.get(reverse("ledger:list")).status_code == 200
