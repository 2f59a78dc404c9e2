"""Dates as people in Vietnam see them (UTC+7, no daylight saving)."""

from datetime import UTC, date, datetime, timedelta, timezone

VIETNAM = timezone(timedelta(hours=7), "ICT")


def today_in_vietnam() -> date:
    return datetime.now(UTC).astimezone(VIETNAM).date()
