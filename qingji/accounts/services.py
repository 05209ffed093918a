"""Writes to accounts."""

from importlib import import_module

from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from qingji.accounts.models import PasswordHistory, User, UserSession
from qingji.audit.services import audit_log
from qingji.organisations.models import Org


def _remember_password(user: User) -> None:
    """Keep the hashes of the last few passwords (QINGJI_PASSWORD_HISTORY) for the reuse rule."""
    PasswordHistory.objects.create(user=user, password=user.password)
    keep = list(user.password_history.order_by("-created_at", "-pk").values_list("pk", flat=True)
                [:settings.QINGJI_PASSWORD_HISTORY])
    user.password_history.exclude(pk__in=keep).delete()


@transaction.atomic
def user_create(
    *, actor: User | None, username: str, password: str, org: Org | None, role: str,
    full_name: str = "", validate: bool = True, must_change_password: bool = False,
) -> User:
    """Create an account. Accounts an administrator creates pass must_change_password=True so the
    initial password is changed at first sign-in; demo and test accounts do not."""
    user = User(username=username, org=org, role=role, full_name=full_name,
                must_change_password=must_change_password, password_changed_at=timezone.now())
    if validate:
        validate_password(password, user)
    user.set_password(password)
    user.save()
    _remember_password(user)
    audit_log(actor=actor, action="account.create", obj=user,
              after={"username": username, "org": org.code if org else None, "role": role})
    return user


@transaction.atomic
def user_set_password(
    *, actor: User | None, user: User, password: str, validate: bool = True,
    must_change_password: bool = False,
) -> None:
    """Set a password. An administrator's reset passes must_change_password=True: the account's
    owner must choose their own at the next sign-in."""
    if validate:
        validate_password(password, user)
    user.set_password(password)
    user.password_changed_at = timezone.now()
    user.must_change_password = must_change_password
    user.save(update_fields=["password", "password_changed_at", "must_change_password"])
    _remember_password(user)
    audit_log(actor=actor, action="account.password", obj=user,
              after={"must_change_password": must_change_password})


@transaction.atomic
def user_set_active(*, actor: User | None, user: User, active: bool) -> User:
    if actor is not None and actor.pk == user.pk:
        raise ValueError(_("You cannot deactivate your own account."))
    user.is_active = active
    user.save(update_fields=["is_active"])
    ended = 0 if active else end_user_sessions(user)
    audit_log(actor=actor, action="account.activate" if active else "account.deactivate", obj=user,
              after=None if active else {"sessions_ended": ended})
    return user


def end_session(session_key: str) -> None:
    """Delete a session's server-side data (the account is signed out at its next request)."""
    import_module(settings.SESSION_ENGINE).SessionStore(session_key).delete()
    UserSession.objects.filter(session_key=session_key).delete()


def end_user_sessions(user: User) -> int:
    """End every session of an account at once; returns how many were ended."""
    keys = list(UserSession.objects.filter(user=user).values_list("session_key", flat=True))
    for key in keys:
        end_session(key)
    return len(keys)


@transaction.atomic
def user_set_role(*, actor: User | None, user: User, role: str, org: Org | None = None) -> User:
    """Change an account's role (and unit). Nobody changes their own role: separation of duties."""
    if actor is not None and actor.pk == user.pk:
        raise ValueError(_("You cannot change your own role."))
    before = {"role": user.role, "org": user.org.code if user.org else None}
    user.role = role
    if org is not None:
        user.org = org
    user.save(update_fields=["role", "org"])
    audit_log(actor=actor, action="account.role", obj=user, before=before,
              after={"role": user.role, "org": user.org.code if user.org else None})
    return user


@transaction.atomic
def user_session_end(*, actor: User | None, session: UserSession, ip: str = "") -> None:
    """The security administrator ends one of an account's sessions (signed out at its next request)."""
    end_session(session.session_key)
    audit_log(actor=actor, action="auth.session_end", obj=session.user, ip=ip)
