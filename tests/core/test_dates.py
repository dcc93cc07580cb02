"""Whole months between two dates."""

from datetime import date

import pytest

from core.dates import months_between

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("start", "end", "months"),
    [
        (date(2024, 1, 15), date(2024, 1, 14), 0),
        (date(2024, 1, 15), date(2024, 2, 14), 0),
        (date(2024, 1, 15), date(2024, 2, 15), 1),
        (date(2024, 1, 31), date(2025, 1, 31), 12),
        (date(2024, 5, 1), date(2024, 1, 1), 0),
    ],
)
def test_months_between_counts_whole_months(start, end, months):
    assert months_between(start, end) == months
