"""Locale-aware formatting of money and dates, exposed to templates as filters."""

from datetime import date, datetime, timedelta, timezone

from babel.numbers import format_decimal

# Vietnam has kept UTC+7 without daylight saving since 1975, so a fixed offset is exact
# and needs no tz database on the server.
VIETNAM_TIME = timezone(timedelta(hours=7), "ICT")
NO_VALUE = "—"
NBSP = "\u00a0"  # keeps the amount and its currency on one line


def _grouped(value: int | float, locale: str) -> str:
    """Babel's grouping; whole numbers in vi and en directly (the same digits, and ~50 times
    faster: a profile page formats hundreds of amounts)."""
    if type(value) is int and locale in _SEPARATORS:
        return f"{value:,}".replace(",", _SEPARATORS[locale])
    return format_decimal(value, locale=locale)


_SEPARATORS = {"vi": ".", "en": ","}


def format_money(amount: int | None, locale: str) -> str:
    """An integer amount of VND: ``1.500.000 ₫`` in Vietnamese, ``VND 1,500,000`` in English."""
    if amount is None:
        return NO_VALUE
    digits = _grouped(amount, locale)
    if locale == "vi":
        return f"{digits}{NBSP}₫"
    return f"VND{NBSP}{digits}"


def format_number(value: int | float | None, locale: str) -> str:
    """``30558`` → ``30.558`` in Vietnamese, ``30,558`` in English."""
    if value is None:
        return NO_VALUE
    return _grouped(value, locale)


def format_percent(value: float | None, locale: str, decimals: int | None = None) -> str:
    """A rate already in percent: ``5.91`` → ``5,91%`` in Vietnamese, ``5.91%`` in English;
    ``decimals`` fixes the number of decimals (``20.7`` → ``20,70%``), else up to two."""
    if value is None:
        return NO_VALUE
    pattern = "#,##0." + "0" * decimals if decimals else "#,##0" if decimals == 0 else "#,##0.##"
    return f"{format_decimal(value, format=pattern, locale=locale)}%"


def _as_date(value: date | datetime | str) -> date | datetime:
    if isinstance(value, str):
        return datetime.fromisoformat(value) if "T" in value else date.fromisoformat(value)
    return value


def format_date(value: date | datetime | str | None) -> str:
    """``dd/mm/yyyy`` in every language, as officers write dates."""
    if value is None or value == "":
        return NO_VALUE
    parsed = _as_date(value)
    if isinstance(parsed, datetime) and parsed.tzinfo is not None:
        parsed = parsed.astimezone(VIETNAM_TIME)
    return parsed.strftime("%d/%m/%Y")


def format_datetime(value: datetime | str | None) -> str:
    """``dd/mm/yyyy HH:MM`` in Vietnam time (aware values are converted, naive kept as is)."""
    if value is None or value == "":
        return NO_VALUE
    parsed = _as_date(value)
    if not isinstance(parsed, datetime):
        return format_date(parsed)
    if parsed.tzinfo is not None:
        parsed = parsed.astimezone(VIETNAM_TIME)
    return parsed.strftime("%d/%m/%Y %H:%M")
