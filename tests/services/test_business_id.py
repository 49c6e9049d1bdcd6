from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation

from services.validators import is_valid_business_id, validate_business_id

WEIGHTS = (7, 9, 10, 5, 8, 4, 2)


def remainder(first_seven: str) -> int:
    return sum(int(d) * w for d, w in zip(first_seven, WEIGHTS, strict=True)) % 11


@pytest.mark.parametrize(
    "business_id", ["0201256-6", "1234567-1", "0001003-0", "2345678-0", "7654321-2"]
)
def test_business_ids_with_the_right_check_digit_are_accepted(business_id: str) -> None:
    assert is_valid_business_id(business_id)


def test_a_wrong_check_digit_is_rejected_naming_the_id() -> None:
    with pytest.raises(ValidationError) as error:
        validate_business_id("0201256-7")
    assert error.value.code == "business_id_check_digit"
    assert "0201256-7" in error.value.messages[0]


@pytest.mark.parametrize(
    "value", ["", "201256-6", "0201256", "0201256-66", "abcdefg-h", "0201256 6"]
)
def test_malformed_business_ids_are_rejected(value: str) -> None:
    with pytest.raises(ValidationError) as error:
        validate_business_id(value)
    assert error.value.code == "business_id_format"


def test_a_number_whose_remainder_is_one_has_no_valid_business_id() -> None:
    first_seven = next(f"{n:07d}" for n in range(10_000) if remainder(f"{n:07d}") == 1)
    assert not any(is_valid_business_id(f"{first_seven}-{digit}") for digit in range(10))


@pytest.mark.parametrize(
    ("language", "word"), [("fi", "tarkist"), ("sv", "kontroll"), ("en", "check digit")]
)
def test_the_message_is_in_the_users_language(language: str, word: str) -> None:
    with translation.override(language):
        with pytest.raises(ValidationError) as error:
            validate_business_id("0201256-7")
        assert word in error.value.messages[0].lower()
