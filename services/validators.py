"""Validators for Finnish identifiers used in the catalogue."""

from __future__ import annotations

import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

BUSINESS_ID_RE = re.compile(r"^(\d{7})-(\d)$")
BUSINESS_ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2)
POSTAL_CODE_RE = re.compile(r"^\d{5}$")
# International (+358 ...) or national (0..., service numbers 0800/0600/116...) numbers.
PHONE_RE = re.compile(r"^\+?[0-9][0-9 ()-]{2,22}[0-9]$")


def business_id_check_digit(first_seven: str) -> int | None:
    """The check digit of a Y-tunnus, or None when no valid digit exists (remainder 1)."""
    remainder = sum(int(d) * w for d, w in zip(first_seven, BUSINESS_ID_WEIGHTS, strict=True)) % 11
    if remainder == 0:
        return 0
    if remainder == 1:
        return None
    return 11 - remainder


def is_valid_business_id(value: str) -> bool:
    match = BUSINESS_ID_RE.match(value or "")
    if not match:
        return False
    return business_id_check_digit(match.group(1)) == int(match.group(2))


def validate_business_id(value: str) -> None:
    if not BUSINESS_ID_RE.match(value or ""):
        raise ValidationError(
            _("Enter a business ID (Y-tunnus) in the form 1234567-8."), code="business_id_format"
        )
    if not is_valid_business_id(value):
        raise ValidationError(
            _("The check digit of business ID %(value)s is wrong."),
            code="business_id_check_digit",
            params={"value": value},
        )


def validate_postal_code(value: str) -> None:
    if not POSTAL_CODE_RE.match(value or ""):
        raise ValidationError(
            _("A Finnish postal code has five digits, for example 00100."), code="postal_code"
        )


def validate_phone_number(value: str) -> None:
    if not PHONE_RE.match(value or ""):
        raise ValidationError(
            _("Enter a phone number with digits only, for example 0800 92277 or +358 9 123 4567."),
            code="phone",
        )
