"""The sign-in policy in one place: password age, two-factor requirement, session limits."""

import datetime as dt
from typing import TYPE_CHECKING

from django.conf import settings
from django.contrib.sessions.backends.base import SessionBase
from django.utils import timezone
from django.utils.translation import gettext_noop

from qingji.accounts.roles import ADMIN_ROLES

if TYPE_CHECKING:
    from qingji.accounts.models import User

LOGIN_AT_KEY = "qingji_login_at"
# Whether the account had an authenticator when it signed in: kept in the session so that the
# policy check costs no query on every request.
OTP_ENROLLED_KEY = "qingji_otp_enrolled"


def password_expiry_cutoff(now: dt.datetime | None = None) -> dt.datetime | None:
    """A password changed before this moment has expired (None: passwords never expire)."""
    days = settings.QINGJI_PASSWORD_MAX_AGE_DAYS
    return (now or timezone.now()) - dt.timedelta(days=days) if days else None


def password_expired(user: "User") -> bool:
    cutoff = password_expiry_cutoff()
    changed = user.password_changed_at
    return bool(cutoff and changed and changed < cutoff)


def password_change_required(user: "User") -> bool:
    return bool(user.must_change_password) or password_expired(user)


def otp_enrolled(user: "User") -> bool:
    return user.totpdevice_set.filter(confirmed=True).exists()


def recovery_codes_left(user: "User") -> int:
    """The account's unused single-use recovery codes (a used one is deleted)."""
    from django_otp.plugins.otp_static.models import StaticToken

    return StaticToken.objects.filter(device__user=user).count()


def otp_required(user: "User", session: SessionBase) -> bool:
    """Two-factor sign-in is required for the three administrator roles, and for every account that
    enrolled an authenticator from its account page."""
    return user.role in ADMIN_ROLES or bool(session.get(OTP_ENROLLED_KEY))


def session_too_old(session: SessionBase) -> bool:
    started = session.get(LOGIN_AT_KEY)
    if not started:
        return False
    age = timezone.now() - dt.datetime.fromisoformat(started)
    return age > dt.timedelta(hours=settings.QINGJI_SESSION_ABSOLUTE_HOURS)


def policy_rows() -> list[tuple[str, object]]:
    """What the security administrator's policy page shows (label ids translated in the template)."""
    return [
        (gettext_noop("Minimum password length"), 8),
        (gettext_noop("Character classes required (of 4)"), 3),
        (gettext_noop("Previous passwords that may not be reused"), settings.QINGJI_PASSWORD_HISTORY),
        (gettext_noop("Password maximum age (days, 0 = never)"), settings.QINGJI_PASSWORD_MAX_AGE_DAYS),
        (gettext_noop("Failed sign-ins before lockout"), settings.AXES_FAILURE_LIMIT),
        (gettext_noop("Lockout duration (minutes)"), int(settings.AXES_COOLOFF_TIME.total_seconds() // 60)),
        (gettext_noop("Idle session timeout (minutes)"), settings.SESSION_COOKIE_AGE // 60),
        (gettext_noop("Absolute session limit (hours)"), settings.QINGJI_SESSION_ABSOLUTE_HOURS),
        (gettext_noop("One active session per account"), settings.QINGJI_SINGLE_SESSION),
        (gettext_noop("Secure cookies (HTTPS only)"), settings.SESSION_COOKIE_SECURE),
        (gettext_noop("Audit retention (days)"), settings.QINGJI_AUDIT_RETENTION_DAYS),
        (gettext_noop("Encryption at rest of ID numbers and phones"), bool(settings.QINGJI_PII_KEY)),
    ]
