"""Enforces the sign-in policy on every request of a signed-in account: the absolute session limit,
a required password change (first sign-in, reset, expiry) and the administrators' two-factor sign-in."""

from collections.abc import Callable

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.http import HttpRequest, HttpResponseBase, JsonResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _

from qingji.security.policy import otp_enrolled, otp_required, password_change_required, session_too_old

# Pages a signed-in account may reach before it has met the policy.
EXEMPT_URL_NAMES = ("web:logout", "web:login", "security:password_change", "security:otp_setup",
                    "security:otp_verify", "set_language")


class SecurityPolicyMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response
        self._exempt: set[str] | None = None

    def exempt(self, path: str) -> bool:
        if self._exempt is None:
            self._exempt = {reverse(name) for name in EXEMPT_URL_NAMES}
        return path in self._exempt or path.startswith(settings.STATIC_URL)

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            if session_too_old(request.session):
                logout(request)
                messages.info(request, _("Your session reached its time limit. Please sign in again."))
                return redirect(settings.LOGIN_URL)
            if not self.exempt(request.path_info):
                if password_change_required(user):
                    return redirect("security:password_change")
                if not user.is_verified() and otp_required(user, request.session):
                    if request.path_info.startswith("/api/"):
                        # The API has no sign-in pages of its own: refuse rather than redirect.
                        return JsonResponse({"detail": _("Two-factor sign-in is required.")}, status=403)
                    return redirect("security:otp_verify" if otp_enrolled(user) else "security:otp_setup")
        return self.get_response(request)
