"""At sign-in: remember when (absolute session limit) and end the account's other sessions;
audit lockouts."""

from typing import Any

from axes.signals import user_locked_out
from django.conf import settings
from django.contrib.auth.signals import user_logged_in, user_logged_out
from django.dispatch import receiver
from django.http import HttpRequest
from django.utils import timezone

from qingji.accounts.models import User, UserSession
from qingji.accounts.services import end_session
from qingji.audit.services import audit_log, client_ip
from qingji.security.policy import LOGIN_AT_KEY, OTP_ENROLLED_KEY, otp_enrolled


@receiver(user_logged_in)
def on_login(sender: type[User], request: HttpRequest, user: User, **kwargs: Any) -> None:
    session = getattr(request, "session", None)
    if session is None:
        return
    session[LOGIN_AT_KEY] = timezone.now().isoformat()
    session[OTP_ENROLLED_KEY] = otp_enrolled(user)
    if session.session_key is None:
        session.save()
    if settings.QINGJI_SINGLE_SESSION:
        for key in UserSession.objects.filter(user=user).exclude(session_key=session.session_key) \
                .values_list("session_key", flat=True):
            end_session(key)
    UserSession.objects.update_or_create(session_key=session.session_key,
                                         defaults={"user": user, "ip": client_ip(request)})


@receiver(user_logged_out)
def on_logout(sender: type[User], request: HttpRequest, user: User | None, **kwargs: Any) -> None:
    key = getattr(getattr(request, "session", None), "session_key", None)
    if key:
        UserSession.objects.filter(session_key=key).delete()


@receiver(user_locked_out)
def on_locked_out(sender: str, request: HttpRequest | None, username: str | None = None,
                  ip_address: str | None = None, **kwargs: Any) -> None:
    user = User.objects.filter(username=username).first() if username else None
    audit_log(actor=None, action="auth.locked_out", obj=user, object_type="account",
              object_repr=str(username or "")[:200], ip=str(ip_address or "")[:45])
