"""Month arithmetic for contracts: terms, tenure and anniversaries count whole months."""

import calendar
from datetime import date


def months_between(start: date, end: date) -> int:
    """Whole months from `start` to `end` (a month counts once its day is reached)."""
    months = (end.year - start.year) * 12 + (end.month - start.month)
    end_is_month_end = end.day == calendar.monthrange(end.year, end.month)[1]
    if end.day < start.day and not end_is_month_end:
        months -= 1  # a start on the 31st is a month later on 30 April or 28 February
    return max(months, 0)


def add_months(start: date, months: int) -> date:
    """`start` plus whole months, on the same day or the month's last day if shorter."""
    month_index = start.month - 1 + months
    year, month = start.year + month_index // 12, month_index % 12 + 1
    return date(year, month, min(start.day, calendar.monthrange(year, month)[1]))
