"""Korean phone numbers: every way of writing one normalises to one form, bad ones are
refused with a message, and masking keeps only what an agent needs to confirm."""

import pytest
from django.core.exceptions import ValidationError
from hypothesis import given
from hypothesis import strategies as st

from customers.phones import phone_format, phone_mask, phone_normalize, phone_validate


@pytest.mark.parametrize(
    "raw",
    [
        "010-1234-5678",
        "01012345678",
        "010 1234 5678",
        "+82 10-1234-5678",
        "+82 010 1234 5678",
        "82-10-1234-5678",
        "0082 10 1234 5678",
        " (010) 1234.5678 ",
    ],
)
def test_every_way_of_writing_a_mobile_number_normalises_to_one_form(raw):
    assert phone_normalize(raw) == "01012345678"


def test_seoul_landline_keeps_its_two_digit_area_code():
    assert phone_normalize("02-123-4567") == "021234567"
    assert phone_format("021234567") == "02-123-4567"


@pytest.mark.parametrize("raw", ["", "abc", "12345", "1012345678", "010-1234-56789-1"])
def test_bad_numbers_are_refused_with_a_message(raw):
    with pytest.raises(ValidationError, match="Korean phone number"):
        phone_validate(raw)


def test_masking_keeps_only_what_an_agent_needs_to_confirm():
    assert phone_mask("01012345678") == "010-****-5678"
    assert phone_mask("021234567") == "02-***-4567"


@given(st.text(max_size=30))
def test_normalise_never_raises_and_returns_only_digits(raw):
    assert phone_normalize(raw).isdigit() or phone_normalize(raw) == ""


@given(st.from_regex(r"010[0-9]{8}", fullmatch=True))
def test_formatting_then_normalising_is_the_identity(digits):
    assert phone_normalize(phone_format(digits)) == digits
    assert phone_validate("+82 " + phone_format(digits)[1:]) == digits


def test_full_width_digits_are_digits_and_other_scripts_are_refused():
    full_width = "".join(chr(0xFF10 + int(d)) if d.isdigit() else d for d in "010-1234-5678")
    assert phone_validate(full_width) == "01012345678"
    arabic_indic = "0" + "".join(chr(0x0660 + int(d)) for d in "1012345678")
    with pytest.raises(ValidationError, match="Korean phone number"):
        phone_validate(arabic_indic)


@given(st.text(max_size=30))
def test_what_normalising_returns_is_ascii_digits_only(raw):
    assert phone_normalize(raw).isascii()
