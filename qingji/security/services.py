"""Writes of the security app: an account's two-factor sign-in (authenticator, recovery codes), unlocking
a locked-out account and showing a petitioner's full number. Each change is one transaction with its
audit entry; the views only call these."""

import secrets

from axes.utils import reset as axes_reset
from django.db import transaction
from django.utils.translation import gettext as _
from django_otp import match_token
from django_otp.models import Device
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from qingji.accounts.models import User
from qingji.audit.services import audit_log
from qingji.ledger.models import Petitioner

RECOVERY_CODES = 10
REVEALABLE = ("id_number", "phone")


def totp_device_start(*, user: User) -> TOTPDevice:
    """The account's pending authenticator (its key shown for scanning), created at the first call and
    reused after. Not audited: until it is confirmed it changes nothing about how the account signs in."""
    pending = user.totpdevice_set.filter(confirmed=False).first()
    return pending or TOTPDevice.objects.create(user=user, name="authenticator", confirmed=False)


def totp_device_confirm(*, actor: User, device: TOTPDevice, token: str, ip: str = "") -> list[str]:
    """Confirm a pending authenticator with a code it shows. It replaces the account's earlier one, and
    the account gets new recovery codes (returned: they are shown once). A wrong code raises ValueError."""
    # Checked before the transaction: the device's throttling count of a wrong code must stay written.
    if not device.verify_token(token.strip()):
        raise ValueError(_("The code does not match. Check the time on your phone and try again."))
    with transaction.atomic():
        device.user.totpdevice_set.filter(confirmed=True).exclude(pk=device.pk).delete()
        device.confirmed = True
        device.save(update_fields=["confirmed"])
        codes = _new_recovery_codes(device.user)
        audit_log(actor=actor, action="auth.otp_enrol", obj=device.user, ip=ip)
    return codes


def two_factor_verify(*, user: User, token: str, ip: str = "") -> Device | None:
    """The device (authenticator or recovery code, which is used up) that accepts the code at sign-in,
    or None; either way written to the audit log."""
    with transaction.atomic():
        device = match_token(user, token.strip())
        if device is None:
            audit_log(actor=user, action="auth.otp_failed", obj=user, ip=ip)
        else:
            audit_log(actor=user, action="auth.otp_verify", obj=user, ip=ip,
                      after={"recovery_code": isinstance(device, StaticDevice)})
    return device


@transaction.atomic
def recovery_codes_replace(*, actor: User, user: User, ip: str = "") -> list[str]:
    """Ten new single-use recovery codes in place of the account's old ones (returned: shown once)."""
    codes = _new_recovery_codes(user)
    audit_log(actor=actor, action="auth.recovery_codes", obj=user, ip=ip)
    return codes


@transaction.atomic
def two_factor_disable(*, actor: User, user: User, ip: str = "") -> None:
    """Remove the account's authenticators and recovery codes. The administrator roles must keep
    two-factor sign-in (ValueError)."""
    if user.is_admin_role:
        raise ValueError(_("Two-factor sign-in cannot be switched off for this account."))
    user.totpdevice_set.all().delete()
    StaticDevice.objects.filter(user=user).delete()
    audit_log(actor=actor, action="auth.otp_disable", obj=user, ip=ip)


def _new_recovery_codes(user: User) -> list[str]:
    device, _created = StaticDevice.objects.get_or_create(user=user, name="recovery", defaults={"confirmed": True})
    device.token_set.all().delete()
    codes = [secrets.token_hex(4) for _ in range(RECOVERY_CODES)]
    StaticToken.objects.bulk_create(StaticToken(device=device, token=code) for code in codes)
    return codes


@transaction.atomic
def account_unlock(*, actor: User, username: str, ip: str = "") -> int:
    """Clear a locked-out account's failed sign-ins (django-axes); returns how many were cleared."""
    count = axes_reset(username=username)
    audit_log(actor=actor, action="auth.unlock", object_type="account", object_repr=username, ip=ip,
              after={"attempts_cleared": count})
    return int(count)


@transaction.atomic
def pii_reveal(*, actor: User, petitioner: Petitioner, field: str, reason: str, ip: str = "") -> str:
    """A petitioner's full ID number or phone, for a stated reason written to the audit log each time.
    A reason shorter than two characters raises ValueError."""
    if field not in REVEALABLE:
        raise ValueError(_("Only the ID number or the phone can be shown."))
    reason = reason.strip()
    if len(reason) < 2:
        raise ValueError(_("Please give a reason for showing the full number."))
    audit_log(actor=actor, action="pii.reveal", obj=petitioner, ip=ip, after={"field": field, "reason": reason[:500]})
    return str(getattr(petitioner, field))
