"""Sign-ins, failures and sign-outs go to the audit log."""

from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.dispatch import receiver

from qingji.audit.services import audit_log, client_ip


@receiver(user_logged_in)
def on_login(sender, request, user, **kwargs) -> None:  # type: ignore[no-untyped-def]
    audit_log(actor=user, action="auth.login", obj=user, ip=client_ip(request))


@receiver(user_logged_out)
def on_logout(sender, request, user, **kwargs) -> None:  # type: ignore[no-untyped-def]
    if user is not None:
        audit_log(actor=user, action="auth.logout", obj=user, ip=client_ip(request))


@receiver(user_login_failed)
def on_login_failed(sender, credentials, request=None, **kwargs) -> None:  # type: ignore[no-untyped-def]
    username = str(credentials.get("username", ""))[:150]
    audit_log(actor=None, action="auth.login_failed", object_type="account", object_repr=username,
              ip=client_ip(request) if request else "")
