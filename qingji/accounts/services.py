"""Writes to accounts."""

from django.contrib.auth.password_validation import validate_password
from django.db import transaction

from qingji.accounts.models import User
from qingji.audit.services import audit_log
from qingji.organisations.models import Org


@transaction.atomic
def user_create(
    *, actor, username: str, password: str, org: Org | None, role: str,  # type: ignore[no-untyped-def]
    full_name: str = "", validate: bool = True,
) -> User:
    user = User(username=username, org=org, role=role, full_name=full_name)
    if validate:
        validate_password(password, user)
    user.set_password(password)
    user.save()
    audit_log(actor=actor, action="account.create", obj=user,
              after={"username": username, "org": org.code if org else None, "role": role})
    return user


@transaction.atomic
def user_set_password(*, actor, user: User, password: str, validate: bool = True) -> None:  # type: ignore[no-untyped-def]
    if validate:
        validate_password(password, user)
    user.set_password(password)
    user.save(update_fields=["password"])
    audit_log(actor=actor, action="account.password", obj=user)
