"""Petitioners: their checks and normalisation, creating and editing them, finding possible duplicates."""

from typing import Any, Protocol

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from qingji.accounts.models import User
from qingji.audit.services import audit_log
from qingji.ledger.models import Petitioner
from qingji.ledger.services.cases import refresh_search_text
from qingji.lib.idnumbers import check_id_number, check_phone, normalise_id_number, normalise_phone
from qingji.lib.pii import digest


def _check(*, name: str, id_number: str = "", phone: str = "", group_size: int = 1) -> None:
    """Raises ValidationError with every error of a petitioner's details."""
    errors: dict[str, list[str]] = {}
    if not name.strip():
        errors["name"] = [_("The petitioner's name is required.")]
    id_errors, _warnings = check_id_number(normalise_id_number(id_number))
    if id_errors:
        errors["id_number"] = id_errors
    phone_errors = check_phone(normalise_phone(phone))
    if phone_errors:
        errors["phone"] = phone_errors
    if group_size < 1:
        errors["group_size"] = [_("The number of petitioners is at least 1.")]
    if errors:
        raise ValidationError(errors)


def petitioner_values(
    *, name: str, gender: str = "", id_number: str = "", phone: str = "", address: str = "",
    region_code: str = "", group_size: int = 1, notes: str = "", checked: bool = False,
) -> dict[str, Any]:
    """A new petitioner's checked, normalised field values (`petitioner_create`; bulk imports write them as
    plain rows). `checked`: the caller has already checked them as `_check` does (an importer, to report
    every problem of every row)."""
    if not checked:
        _check(name=name, id_number=id_number, phone=phone, group_size=group_size)
    id_number, phone = normalise_id_number(id_number), normalise_phone(phone)
    return {
        "name": name.strip(), "gender": gender, "id_number": id_number, "id_number_digest": digest(id_number),
        "phone": phone, "phone_digest": digest(phone), "address": address, "region_code": region_code or id_number[:6],
        "group_size": group_size, "notes": notes,
    }


class NewPetitioner(Protocol):
    """What `petitioner_created_audit` reads: a Petitioner, or a bulk writer's plain stand-in."""

    name: str
    id_number_digest: str


def petitioner_created_audit(petitioner: NewPetitioner) -> dict[str, Any]:
    """The audit entry's `after` for a new petitioner."""
    return {"name": petitioner.name, "id_number_digest": petitioner.id_number_digest[:12]}


def petitioner_with_id_number(id_number: str) -> Petitioner | None:
    """The petitioner who has this ID number, in any unit (an ID number is one person), or None. Unscoped: the
    registration links a new case to them without showing the other units' cases (ledger.selectors)."""
    number_digest = digest(normalise_id_number(id_number))
    return Petitioner.objects.filter(id_number_digest=number_digest).first() if number_digest else None


def _id_number_taken() -> ValidationError:
    return ValidationError({"id_number": _("A petitioner with this ID number is already in the ledger: an ID number "
                                           "is one person. Register the case for that petitioner.")})


@transaction.atomic
def petitioner_create(
    *, actor: User | None, name: str, gender: str = "", id_number: str = "", phone: str = "",
    address: str = "", region_code: str = "", group_size: int = 1, notes: str = "",
) -> Petitioner:
    values = petitioner_values(name=name, gender=gender, id_number=id_number, phone=phone, address=address,
                               region_code=region_code, group_size=group_size, notes=notes)
    if values["id_number_digest"] and Petitioner.objects.filter(id_number_digest=values["id_number_digest"]).exists():
        raise _id_number_taken()
    try:
        with transaction.atomic():
            petitioner = Petitioner.objects.create(**values)
    except IntegrityError:  # registered by someone else meanwhile
        raise _id_number_taken() from None
    audit_log(actor=actor, action="petitioner.create", obj=petitioner, after=petitioner_created_audit(petitioner))
    return petitioner


@transaction.atomic
def petitioner_update(*, actor: User | None, petitioner: Petitioner, **changes: Any) -> Petitioner:
    merged = {f: changes.get(f, getattr(petitioner, f)) for f in ("name", "id_number", "phone", "group_size")}
    _check(**merged)
    before = {f: str(getattr(petitioner, f)) for f in changes if f not in ("id_number", "phone")}
    for field, value in changes.items():
        if field == "id_number":
            value = normalise_id_number(value)
            petitioner.id_number_digest = digest(value)
        elif field == "phone":
            value = normalise_phone(value)
            petitioner.phone_digest = digest(value)
        setattr(petitioner, field, value)
    if petitioner.id_number_digest and Petitioner.objects.filter(
            id_number_digest=petitioner.id_number_digest).exclude(pk=petitioner.pk).exists():
        raise _id_number_taken()
    try:
        with transaction.atomic():
            petitioner.save()
    except IntegrityError:
        raise _id_number_taken() from None
    after = {f: str(getattr(petitioner, f)) for f in changes if f not in ("id_number", "phone")}
    audit_log(actor=actor, action="petitioner.update", obj=petitioner, before=before, after=after)
    for case in petitioner.cases.all():
        refresh_search_text(case)
    return petitioner
