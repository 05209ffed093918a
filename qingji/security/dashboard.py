"""Dashboard panels of the three administrators: what each administers, at a glance (no case content)."""

import datetime as dt
from typing import Any

from django.conf import settings
from django.db.models import Q
from django.utils import timezone

from qingji.accounts.models import User
from qingji.accounts.roles import has_capability
from qingji.audit.models import AuditEntry
from qingji.security.policy import password_expiry_cutoff
from qingji.web.dashboard import Panel, register_panel

EXPIRING_DAYS = 14  # "expiring soon": within this many days of the password's maximum age


def accounts_panel(user: User) -> dict[str, Any] | None:
    """The system administrator's: accounts in scope, inactive, to change their password, expiring soon."""
    if not has_capability(user, "accounts.manage"):
        return None
    from qingji.security.sysadmin_views import accounts_in_scope

    accounts = accounts_in_scope(user)
    active = accounts.filter(is_active=True)
    cutoff = password_expiry_cutoff()
    expired = active.filter(password_changed_at__lt=cutoff).count() if cutoff else 0
    expiring = (active.filter(password_changed_at__gte=cutoff,
                              password_changed_at__lt=cutoff + dt.timedelta(days=EXPIRING_DAYS)).count()
                if cutoff else 0)
    return {"total": accounts.count(), "active": active.count(), "inactive": accounts.filter(is_active=False).count(),
            "must_change": active.filter(Q(must_change_password=True)).count(), "expired": expired,
            "expiring": expiring, "expiring_days": EXPIRING_DAYS}


def security_panel(user: User) -> dict[str, Any] | None:
    """The security administrator's: locked accounts, failing sign-ins, sessions alive."""
    if not has_capability(user, "security.manage"):
        return None
    from qingji.security.secadmin_views import sessions_in_scope, sign_in_attempts

    locked, failing = sign_in_attempts(user)
    return {"locked": locked[:5], "locked_count": len(locked), "failing_count": len(failing),
            "sessions": sessions_in_scope(user).count(), "limit": settings.AXES_FAILURE_LIMIT}


def audit_panel(user: User) -> dict[str, Any] | None:
    """The auditor's: the day's audit events and the latest of them."""
    if not has_capability(user, "audit.view"):
        return None
    today = timezone.localtime().replace(hour=0, minute=0, second=0, microsecond=0)
    events = AuditEntry.objects.filter(at__gte=today)
    return {"today": events.count(), "latest": list(events.order_by("-seq")[:8])}


register_panel(Panel("security/_dashboard_accounts.html", accounts_panel, order=5))
register_panel(Panel("security/_dashboard_security.html", security_panel, order=5))
register_panel(Panel("security/_dashboard_audit.html", audit_panel, order=5))
