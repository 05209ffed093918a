"""Citizen ID numbers (GB 11643) and phone numbers, checked with python-stdnum and phonenumbers."""

import datetime as dt
import unicodedata

import phonenumbers
from django.utils.translation import gettext as _
from stdnum import exceptions as stdnum_errors
from stdnum.cn import ric


def normalise_id_number(value: str) -> str:
    return unicodedata.normalize("NFKC", value or "").strip().replace(" ", "").upper()


def check_id_number(value: str) -> tuple[list[str], list[str]]:
    """(errors, warnings) for a normalised ID number. An unknown area code is only a warning:
    the division codes of older numbers have been retired."""
    if not value:
        return [], []
    if len(value) == 15:
        return _check_legacy(value), []
    try:
        ric.validate(value)
    except stdnum_errors.InvalidComponent:
        # stdnum raises this both for a bad birth date and for an unknown area code.
        try:
            dt.date(int(value[6:10]), int(value[10:12]), int(value[12:14]))
        except ValueError:
            return [_("The date of birth in the ID number is not a valid date.")], []
        return [], [_("The area code %(code)s of the ID number is not in the current division list.")
                    % {"code": value[:6]}]
    except stdnum_errors.InvalidChecksum:
        return [_("The check digit of the ID number is wrong (GB 11643).")], []
    except stdnum_errors.ValidationError:
        return [_("An ID number has 18 characters: 17 digits and a digit or X.")], []
    return [], []


def _check_legacy(value: str) -> list[str]:
    if not value.isdigit():
        return [_("A 15-digit ID number has digits only.")]
    try:
        dt.date(1900 + int(value[6:8]), int(value[8:10]), int(value[10:12]))
    except ValueError:
        return [_("The date of birth in the ID number is not a valid date.")]
    return []


def normalise_phone(value: str) -> str:
    return " ".join(unicodedata.normalize("NFKC", value or "").split())


def check_phone(value: str) -> list[str]:
    if not value:
        return []
    if any(c not in "0123456789-+ " for c in value):
        return [_("A phone number has only digits, -, + and spaces.")]
    try:
        number = phonenumbers.parse(value, "CN")
    except phonenumbers.NumberParseException:
        return [_("This is not a phone number.")]
    if not phonenumbers.is_possible_number(number):
        return [_("This phone number has the wrong number of digits.")]
    return []
