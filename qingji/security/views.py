"""The account's own security: password change, two-factor enrolment and verification, recovery codes;
and the CSRF failure page."""

import secrets
from base64 import b32encode

import segno
from django import forms
from django.contrib import messages
from django.contrib.auth import update_session_auth_hash
from django.contrib.auth.decorators import login_required
from django.contrib.auth.forms import PasswordChangeForm
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import pgettext_lazy
from django.views.decorators.http import require_POST
from django_otp import login as otp_login
from django_otp import match_token
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from qingji.accounts.http import AuthedRequest
from qingji.accounts.models import User
from qingji.accounts.services import user_set_password
from qingji.audit.services import audit_log, client_ip
from qingji.security.policy import OTP_ENROLLED_KEY, otp_required, password_expired
from qingji.web.forms import BootstrapMixin

RECOVERY_CODES = 10


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
        "has_totp": user.totpdevice_set.filter(confirmed=True).exists(),
        "otp_mandatory": user.is_admin_role,
        "codes_left": StaticToken.objects.filter(device__user=user).count(),
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


def _new_recovery_codes(user: User) -> list[str]:
    """Replace the account's recovery codes with ten new single-use ones."""
    device, _created = StaticDevice.objects.get_or_create(user=user, name="recovery", defaults={"confirmed": True})
    device.token_set.all().delete()
    codes = [secrets.token_hex(4) for _ in range(RECOVERY_CODES)]
    StaticToken.objects.bulk_create(StaticToken(device=device, token=code) for code in codes)
    return codes


@login_required
def otp_setup(request: AuthedRequest) -> HttpResponse:
    user = request.user
    confirmed = user.totpdevice_set.filter(confirmed=True).first()
    if confirmed is not None and not user.is_verified():
        # A second authenticator may only be added by whoever holds the first one.
        return redirect("security:otp_verify")
    device = user.totpdevice_set.filter(confirmed=False).first() or TOTPDevice.objects.create(
        user=user, name="authenticator", confirmed=False)
    form = TokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if device.verify_token(form.cleaned_data["token"].strip()):
            with transaction.atomic():
                user.totpdevice_set.filter(confirmed=True).exclude(pk=device.pk).delete()
                device.confirmed = True
                device.save(update_fields=["confirmed"])
                codes = _new_recovery_codes(user)
                audit_log(actor=user, action="auth.otp_enrol", obj=user, ip=client_ip(request))
            otp_login(request, device)
            request.session[OTP_ENROLLED_KEY] = True
            return render(request, "security/recovery_codes.html", {"codes": codes})
        form.add_error("token", _("The code does not match. Check the time on your phone and try again."))
    qr = segno.make(device.config_url, error="m")
    # Authenticator apps take a typed key in Base32 (the device keeps it in hexadecimal).
    base32 = b32encode(device.bin_key).decode().rstrip("=")
    key = " ".join(base32[i:i + 4] for i in range(0, len(base32), 4))
    context = {"form": form, "qr_svg": qr.svg_inline(scale=4, border=2), "key": key,
               "otp_mandatory": user.is_admin_role}
    return render(request, "security/otp_setup.html", context)


@login_required
def otp_verify(request: AuthedRequest) -> HttpResponse:
    user = request.user
    if user.is_verified() or not otp_required(user, request.session):
        return redirect(_next_url(request))
    form = TokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        device = match_token(user, form.cleaned_data["token"].strip())
        if device is not None:
            otp_login(request, device)
            audit_log(actor=user, action="auth.otp_verify", obj=user, ip=client_ip(request),
                      after={"recovery_code": isinstance(device, StaticDevice)})
            return redirect(_next_url(request))
        audit_log(actor=user, action="auth.otp_failed", obj=user, ip=client_ip(request))
        form.add_error("token", _("The code is not valid."))
    return render(request, "security/otp_verify.html", {"form": form, "next": _next_url(request)})


@login_required
@require_POST
def recovery_codes(request: AuthedRequest) -> HttpResponse:
    user = request.user
    if not user.is_verified():
        return redirect("security:otp_verify")
    with transaction.atomic():
        codes = _new_recovery_codes(user)
        audit_log(actor=user, action="auth.recovery_codes", obj=user, ip=client_ip(request))
    return render(request, "security/recovery_codes.html", {"codes": codes})


@login_required
@require_POST
def otp_disable(request: AuthedRequest) -> HttpResponse:
    """Accounts outside the administrator roles may switch two-factor sign-in off again."""
    user = request.user
    if user.is_admin_role or not user.is_verified():
        messages.error(request, _("Two-factor sign-in cannot be switched off for this account."))
        return redirect("security:account")
    with transaction.atomic():
        user.totpdevice_set.all().delete()
        StaticDevice.objects.filter(user=user).delete()
        audit_log(actor=user, action="auth.otp_disable", obj=user, ip=client_ip(request))
    request.session[OTP_ENROLLED_KEY] = False
    messages.success(request, _("Two-factor sign-in is off."))
    return redirect("security:account")
