"""The account's own security: password change, two-factor enrolment and verification, recovery codes;
and the CSRF failure page."""

from base64 import b32encode

import segno
from django import forms
from django.contrib import messages
from django.contrib.auth import update_session_auth_hash
from django.contrib.auth.decorators import login_required
from django.contrib.auth.forms import PasswordChangeForm
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import pgettext_lazy
from django.views.decorators.http import require_POST
from django_otp import login as otp_login

from qingji.accounts.http import AuthedRequest
from qingji.accounts.services import user_set_password
from qingji.audit.services import client_ip
from qingji.security.policy import OTP_ENROLLED_KEY, otp_enrolled, otp_required, password_expired, recovery_codes_left
from qingji.security.services import (
    recovery_codes_replace,
    totp_device_confirm,
    totp_device_start,
    two_factor_disable,
    two_factor_verify,
)
from qingji.web.forms import BootstrapMixin


class BootstrapPasswordChangeForm(BootstrapMixin, PasswordChangeForm):
    pass


class TokenForm(BootstrapMixin, forms.Form):
    token = forms.CharField(label=pgettext_lazy("one-time password", "Code"), max_length=16,
                            widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric"}))


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    """A refused form (missing or stale CSRF token) gets a page saying what to do, not Django's default."""
    return render(request, "security/csrf_failure.html", status=403)


def _next_url(request: HttpRequest) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        return target
    return "/"


@login_required
def account(request: AuthedRequest) -> HttpResponse:
    user = request.user
    context = {
        "has_totp": otp_enrolled(user),
        "otp_mandatory": user.is_admin_role,
        "codes_left": recovery_codes_left(user),
        "password_changed_at": user.password_changed_at,
    }
    return render(request, "security/account.html", context)


@login_required
def password_change(request: AuthedRequest) -> HttpResponse:
    user = request.user
    form = BootstrapPasswordChangeForm(user, request.POST or None)
    if request.method == "POST" and form.is_valid():
        # The form already ran every password validator (length, classes, history).
        user_set_password(actor=user, user=user, password=form.cleaned_data["new_password1"], validate=False)
        update_session_auth_hash(request, user)
        messages.success(request, _("Your password was changed."))
        return redirect("web:dashboard")
    reason = ""
    if user.must_change_password:
        reason = _("Please choose your own password before you continue.")
    elif password_expired(user):
        reason = _("Your password has expired. Please choose a new one.")
    return render(request, "security/password_change.html", {"form": form, "reason": reason})


@login_required
def otp_setup(request: AuthedRequest) -> HttpResponse:
    """Enrolment: the page's button (a POST) makes the pending authenticator, the page (a GET, which
    writes nothing) shows its key, and a POST of the code it shows confirms it."""
    user = request.user
    if otp_enrolled(user) and not user.is_verified():
        # A second authenticator may only be added by whoever holds the first one.
        return redirect("security:otp_verify")
    if request.method == "POST" and request.POST.get("action") == "start":
        totp_device_start(user=user)
        return redirect("security:otp_setup")
    device = user.totpdevice_set.filter(confirmed=False).first()
    form = TokenForm(request.POST or None)
    if device is not None and request.method == "POST" and form.is_valid():
        try:
            codes = totp_device_confirm(actor=user, device=device, token=form.cleaned_data["token"],
                                        ip=client_ip(request))
        except ValueError as error:
            form.add_error("token", str(error))
        else:
            otp_login(request, device)
            request.session[OTP_ENROLLED_KEY] = True
            return render(request, "security/recovery_codes.html", {"codes": codes})
    context = {"form": form, "otp_mandatory": user.is_admin_role, "pending": device is not None}
    if device is not None:
        # Authenticator apps take a typed key in Base32 (the device keeps it in hexadecimal).
        base32 = b32encode(device.bin_key).decode().rstrip("=")
        context["key"] = " ".join(base32[i:i + 4] for i in range(0, len(base32), 4))
        context["qr_svg"] = segno.make(device.config_url, error="m").svg_inline(scale=4, border=2)
    return render(request, "security/otp_setup.html", context)


@login_required
def otp_verify(request: AuthedRequest) -> HttpResponse:
    user = request.user
    if user.is_verified() or not otp_required(user, request.session):
        return redirect(_next_url(request))
    form = TokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        device = two_factor_verify(user=user, token=form.cleaned_data["token"], ip=client_ip(request))
        if device is not None:
            otp_login(request, device)
            return redirect(_next_url(request))
        form.add_error("token", _("The code is not valid."))
    return render(request, "security/otp_verify.html", {"form": form, "next": _next_url(request)})


@login_required
@require_POST
def recovery_codes(request: AuthedRequest) -> HttpResponse:
    user = request.user
    if not user.is_verified():
        return redirect("security:otp_verify")
    codes = recovery_codes_replace(actor=user, user=user, ip=client_ip(request))
    return render(request, "security/recovery_codes.html", {"codes": codes})


@login_required
@require_POST
def otp_disable(request: AuthedRequest) -> HttpResponse:
    """Accounts outside the administrator roles may switch two-factor sign-in off again."""
    user = request.user
    if not user.is_verified():  # only whoever holds the second factor may remove it
        messages.error(request, _("Two-factor sign-in cannot be switched off for this account."))
        return redirect("security:account")
    try:
        two_factor_disable(actor=user, user=user, ip=client_ip(request))
    except ValueError as error:
        messages.error(request, str(error))
        return redirect("security:account")
    request.session[OTP_ENROLLED_KEY] = False
    messages.success(request, _("Two-factor sign-in is off."))
    return redirect("security:account")
