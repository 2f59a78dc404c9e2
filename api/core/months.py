"""Calendar-month arithmetic on dates (a month after 31 January is 28 or 29 February)."""

import calendar
from datetime import date


def add_months(day: date, months: int) -> date:
    """The same day `months` later, clamped to the end of a shorter month."""
    year, month_index = divmod(day.month - 1 + months, 12)
    year += day.year
    last = calendar.monthrange(year, month_index + 1)[1]
    return date(year, month_index + 1, min(day.day, last))


def whole_months_between(start: date, end: date) -> int:
    """How many whole months have passed from start to end (0 when end is not later)."""
    if end <= start:
        return 0
    months = (end.year - start.year) * 12 + end.month - start.month
    while months > 0 and add_months(start, months) > end:
        months -= 1
    return months
