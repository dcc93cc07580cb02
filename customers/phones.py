"""Korean phone numbers, as an agent types them and as we store them.

Numbers are stored in one canonical form: national digits with the leading 0
(`01012345678`, `0212345678`). Anything a person or a telephony system may send —
`010-1234-5678`, `010 1234 5678`, `+82 10-1234-5678`, `82-10-1234-5678` — normalises to it,
so a live-call lookup is one indexed equality.
"""

import re
import unicodedata

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

_NON_DIGITS = re.compile(r"[^0-9]+")


def phone_normalize(raw: str) -> str:
    """Canonical national digits, or "" if `raw` has no digits at all (never raises).

    Full-width digits (U+FF10..U+FF19, as a Korean keyboard may type them) count as digits; digits
    of other scripts do not, so what comes out is always ASCII, as the database requires."""
    digits = _NON_DIGITS.sub("", unicodedata.normalize("NFKC", raw or ""))
    # National numbers always start with 0, so a leading 82 / 0082 is the country code.
    for country_code in ("0082", "82"):
        if digits.startswith(country_code):
            return "0" + digits[len(country_code) :].lstrip("0")
    return digits


def phone_validate(raw: str) -> str:
    """The canonical number, or a ValidationError that says what is wrong."""
    digits = phone_normalize(raw)
    if not re.fullmatch(r"0[0-9]{8,10}", digits):
        raise ValidationError(
            _("Enter a Korean phone number such as 010-1234-5678."), code="invalid_phone"
        )
    return digits


def phone_mask(digits: str) -> str:
    """`01012345678` → `010-****-5678`: enough for the agent to confirm, not to copy."""
    if len(digits) < 8:
        return "*" * len(digits)
    head = 2 if digits.startswith("02") else 3
    return f"{digits[:head]}-{'*' * (len(digits) - head - 4)}-{digits[-4:]}"


def phone_format(digits: str) -> str:
    """`01012345678` → `010-1234-5678` for screens that may show the full number."""
    head = 2 if digits.startswith("02") else 3
    middle = len(digits) - head - 4
    if middle <= 0:
        return digits
    return f"{digits[:head]}-{digits[head : head + middle]}-{digits[-4:]}"
