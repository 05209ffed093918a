"""The demo's administrator accounts (`qingji demo`) sign in with their demo password and must then enrol an
authenticator before any page; at the next sign-in they are asked for its code."""

import time
from base64 import b32decode

import pytest
from django.core.management import call_command
from django.urls import reverse
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from qingji.audit.models import AuditEntry
from tests.browser import page  # noqa: F401 - the fixture

DEMO_PASSWORD = "Demo-pass-2026"  # noqa: S105


def code_for(key_text: str, steps_ahead: int = 0) -> str:
    """What an authenticator app shows for the Base32 key typed in by hand (now, or some 30-second steps ahead:
    each code is accepted once)."""
    key = "".join(key_text.split())
    generator = TOTP(b32decode(key + "=" * (-len(key) % 8)), step=30, t0=0, digits=6)
    generator.time = time.time() + steps_ahead * 30
    return f"{generator.token():06d}"


@pytest.fixture
def demo(db):  # type: ignore[no-untyped-def]
    call_command("demo", "--no-serve", "--password", DEMO_PASSWORD, stdout=open("/dev/null", "w"))  # noqa: SIM115


@pytest.mark.django_db
def test_each_demo_administrator_enrols_at_first_sign_in(client, demo):
    for username, page_name in (("sysadmin", "security:accounts"), ("secadmin", "security:policy"),
                                ("auditor", "security:audit")):
        client.logout()
        assert not TOTPDevice.objects.filter(user__username=username).exists()
        signed_in = client.post(reverse("web:login"), {"username": username, "password": DEMO_PASSWORD})
        assert signed_in.status_code == 302
        assert client.get(reverse(page_name))["Location"] == reverse("security:otp_setup")
        assert "<svg" not in client.get(reverse("security:otp_setup")).content.decode()
        setup = client.post(reverse("security:otp_setup"), {"action": "start"}, follow=True).content.decode()
        key = setup.split('<code class="user-select-all">', 1)[1].split("</code>", 1)[0]
        assert "<svg" in setup and "管理员账号须使用双因素认证" in setup
        codes = client.post(reverse("security:otp_setup"), {"token": code_for(key)}).content.decode()
        assert codes.count("<li>") >= 10 and "恢复码" in codes
        assert client.get(reverse(page_name)).status_code == 200
        assert AuditEntry.objects.filter(action="auth.otp_enrol", actor_name=username).exists()

        client.logout()
        client.post(reverse("web:login"), {"username": username, "password": DEMO_PASSWORD})
        assert client.get(reverse(page_name))["Location"] == reverse("security:otp_verify")
        client.post(reverse("security:otp_verify"), {"token": code_for(key, steps_ahead=1)})
        assert client.get(reverse(page_name)).status_code == 200
    # The demo's ordinary accounts are not asked for a second factor.
    client.logout()
    client.post(reverse("web:login"), {"username": "court_a", "password": DEMO_PASSWORD})
    assert client.get(reverse("ledger:list")).status_code == 200


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_the_demo_system_administrator_enrols_in_the_browser(page, demo):  # noqa: F811
    page.goto("/login/")
    page.fill("#id_username", "sysadmin")
    page.fill("#id_password", DEMO_PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url("**/account/two-factor/")
    assert "管理员账号须使用双因素认证" in page.inner_text("main")
    page.click("button.otp-start")
    page.wait_for_selector(".otp-qr svg")
    assert page.locator(".otp-qr svg").count() == 1
    key = page.inner_text("code.user-select-all")
    page.fill("#id_token", code_for(key))
    page.click("button:has-text('确认')")
    page.wait_for_selector("h1:has-text('恢复码')")
    assert page.locator("main li").count() == 10
    page.click("text=继续")
    page.goto("/security/admin/accounts/")
    page.wait_for_selector("text=court_a")

    page.click("button:has-text('退出')")
    page.goto("/login/")
    page.fill("#id_username", "sysadmin")
    page.fill("#id_password", DEMO_PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url("**/account/two-factor/verify/**")
    page.fill("#id_token", code_for(key, steps_ahead=1))
    page.click("button:has-text('验证')")
    page.wait_for_selector("h1:has-text('工作台')")
    page.goto("/security/admin/accounts/")
    page.wait_for_selector("text=court_a")
