"""Turning what an officer typed into JSON values, without judging it.

A value that does not read as the expected type is sent as typed, so the API (which owns
every rule) reports it and the form shows its message beside the field.
"""

import re
from datetime import date
from typing import Any

DMY = re.compile(r"^\s*(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})\s*$")
MONEY_NOISE = re.compile(r"[\s.,₫]|vnd|đồng|dong", re.IGNORECASE)


def text_or_none(value: str) -> str | None:
    value = value.strip()
    return value or None


def whole_number(value: str) -> int | str | None:
    """``"12"`` → 12; blank → None; anything else as typed."""
    value = value.strip()
    if not value:
        return None
    return int(value) if value.isdigit() else value


def money(value: str) -> int | str | None:
    """``"1.500.000"``, ``"1 500 000 ₫"`` or ``"1500000"`` → 1500000 (whole VND)."""
    if not value.strip():
        return None
    digits = MONEY_NOISE.sub("", value)
    return int(digits) if digits.isdigit() else value.strip()


def iso_date(value: str) -> str | None:
    """``dd/mm/yyyy`` (as officers write) or ISO ``yyyy-mm-dd`` (a date picker) → ISO."""
    value = value.strip()
    if not value:
        return None
    match = DMY.match(value)
    if match:
        day, month, year = (int(part) for part in match.groups())
        try:
            return date(year, month, day).isoformat()
        except ValueError:
            return value
    return value


def yes_no(value: str) -> bool | None:
    """A yes/no/unknown select: "yes" → True, "no" → False, anything else → None."""
    return {"yes": True, "no": False}.get(value)


def choice_to_text(value: bool | None) -> str:
    """The inverse of ``yes_no`` for filling a form from the API."""
    return "" if value is None else ("yes" if value else "no")


def compact(payload: dict[str, Any]) -> dict[str, Any]:
    """Leave out blank optional fields so the API applies its defaults."""
    return {key: value for key, value in payload.items() if value is not None}


def date_input(value: date | None) -> str:
    """A date for an ``<input type="date">`` (always ISO, whatever the language)."""
    return value.isoformat() if value else ""
