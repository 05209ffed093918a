"""Citizen ID numbers (GB 11643) and phone numbers, checked with python-stdnum and phonenumbers."""

import datetime as dt
import functools
import re
import unicodedata

import phonenumbers
from django.utils.translation import gettext as _
from stdnum import exceptions as stdnum_errors
from stdnum.cn import ric


def normalise_id_number(value: str) -> str:
    return unicodedata.normalize("NFKC", value or "").strip().replace(" ", "").upper()


def check_id_number(value: str) -> tuple[list[str], list[str]]:
    """(errors, warnings) for a normalised ID number. An unknown area code is only a warning:
    the division codes of older numbers have been retired. (Checked here rather than by `ric.validate`,
    which is slow for imports of many rows; the area lookup is python-stdnum's, cached.)"""
    if not value:
        return [], []
    if len(value) == 15:
        return _check_legacy(value), []
    if len(value) != 18 or not value[:17].isdigit():
        return [_("An ID number has 18 characters: 17 digits and a digit or X.")], []
    try:
        dt.date(int(value[6:10]), int(value[10:12]), int(value[12:14]))
    except ValueError:
        return [_("The date of birth in the ID number is not a valid date.")], []
    if ric.calc_check_digit(value) != value[17]:
        return [_("The check digit of the ID number is wrong (GB 11643).")], []
    if not _known_area(value[:6], value[6:10]):
        return [], [_("The area code %(code)s of the ID number is not in the current division list.")
                    % {"code": value[:6]}]
    return [], []


@functools.lru_cache(maxsize=8192)
def _known_area(code: str, year: str) -> bool:
    """Whether the division code was in use in the year of birth."""
    try:
        ric.get_birth_place(f"{code}{year}0101000X")
    except stdnum_errors.InvalidComponent:
        return False
    return True


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


MOBILE = re.compile(r"1[3-9]\d{9}")


def check_phone(value: str) -> list[str]:
    """A mobile number (11 digits, 1[3-9]…) or a landline with its area code (010-62345678, 0371 6543 2100); a
    short number (12345) or a landline without its area code is refused."""
    if not value:
        return []
    if MOBILE.fullmatch(value):
        return []  # a mobile number: the common case, without phonenumbers' slower parse
    if any(c not in "0123456789-+ " for c in value):
        return [_("A phone number has only digits, -, + and spaces.")]
    try:
        number = phonenumbers.parse(value, "CN")
    except phonenumbers.NumberParseException:
        return [_("This is not a phone number.")]
    if not phonenumbers.is_possible_number(number):
        return [_("This phone number has the wrong number of digits.")]
    if not phonenumbers.is_valid_number(number):
        return [_("Give a mobile number (11 digits beginning 13–19) or a landline with its area code, e.g. "
                  "0371-65432100.")]
    return []
