"""The three administrators' dashboards show what each administers (#19 item 13), not one tile."""

import datetime as dt

from axes.models import AccessAttempt
from django.conf import settings
from django.utils import timezone

from qingji.accounts.models import User
from qingji.audit.services import audit_log


def _panel(page: str, marker: str) -> str:
    start = page.index(f'id="{marker}"')
    return page[start:start + 3000]


def test_the_system_administrator_sees_the_accounts_and_passwords_to_attend_to(client, users, login):
    now = timezone.now()
    days = settings.QINGJI_PASSWORD_MAX_AGE_DAYS
    User.objects.filter(username="court").update(password_changed_at=now - dt.timedelta(days=days + 1))
    User.objects.filter(username="court_a").update(password_changed_at=now - dt.timedelta(days=days - 3))
    User.objects.filter(username="court_b").update(is_active=False)
    login(users["sysadmin"])
    page = client.get("/").content.decode()
    panel = _panel(page, "admin-accounts")
    values = [part.split("</div>")[0] for part in panel.split('<div class="value')[1:]]
    numbers = [int(v.split(">")[1]) for v in values]
    total = User.objects.filter(org__isnull=False).count()
    assert numbers[0] <= total and numbers[2] == 1  # in scope; one deactivated
    assert numbers[4] == 1 and numbers[5] == 1  # expired; expiring within 14 days
    assert "admin-security" not in page and "admin-audit" not in page  # the other administrators' panels


def test_the_security_administrator_sees_locked_accounts_and_failing_sign_ins(client, users, login):
    AccessAttempt.objects.create(username="court", ip_address="127.0.0.1", user_agent="x",
                                 failures_since_start=settings.AXES_FAILURE_LIMIT, attempt_time=timezone.now())
    AccessAttempt.objects.create(username="police", ip_address="127.0.0.2", user_agent="x",
                                 failures_since_start=1, attempt_time=timezone.now())
    login(users["secadmin"])
    page = client.get("/").content.decode()
    panel = _panel(page, "admin-security")
    assert '<div class="value text-danger">1</div>' in panel and ">court ·" in page.replace("<li>", ">")
    assert "admin-accounts" not in page


def test_the_auditor_sees_the_days_events(client, users, login):
    login(users["auditor"])
    audit_log(actor=users["committee"], action="case.update", object_type="case", object_repr="QH-2026-0007")
    page = client.get("/").content.decode()
    panel = _panel(page, "admin-audit")
    today = int(panel.split('<div class="value">')[1].split("<")[0])
    assert today >= 1 and "QH-2026-0007" in page and "case.update" in page
