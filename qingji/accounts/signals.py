"""Sign-ins, failures and sign-outs go to the audit log."""

from typing import Any

from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.dispatch import receiver
from django.http import HttpRequest

from qingji.accounts.models import User
from qingji.audit.services import audit_log, client_ip


@receiver(user_logged_in)
def on_login(sender: type[User], request: HttpRequest, user: User, **kwargs: Any) -> None:
    audit_log(actor=user, action="auth.login", obj=user, ip=client_ip(request))


@receiver(user_logged_out)
def on_logout(sender: type[User], request: HttpRequest, user: User | None, **kwargs: Any) -> None:
    if user is not None:
        audit_log(actor=user, action="auth.logout", obj=user, ip=client_ip(request))


@receiver(user_login_failed)
def on_login_failed(sender: str, credentials: dict[str, Any], request: HttpRequest | None = None,
                    **kwargs: Any) -> None:
    username = str(credentials.get("username", ""))[:150]
    audit_log(actor=None, action="auth.login_failed", object_type="account", object_repr=username,
              ip=client_ip(request) if request else "")
