"""Validation errors with a stable code, so clients (the web app) can word them themselves;
and the shared rules of free text, declared once as annotated types for the schemas."""

import re
import unicodedata
from typing import Annotated

from pydantic import AfterValidator
from pydantic_core import PydanticCustomError


def invalid(code: str, message: str) -> PydanticCustomError:
    """Raise this from a validator: the 422 item carries `code` and `message` as its detail."""
    return PydanticCustomError(code, message)


# C0 controls and DEL: SQLite would store them (PostgreSQL refuses NUL), and they break
# exports, search and the screens. Multi-line text keeps tab and line breaks (\r too: a
# browser's textarea sends \r\n).
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")
_CONTROL_IN_LINES = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
# Letters that draw nothing (Hangul fillers, Braille blank), on top of the categories below.
_INVISIBLE_LETTERS = frozenset("\u115f\u1160\u3164\uffa0\u2800")
# Spaces, format characters (U+200B zero-width space, U+FEFF, U+2060…), controls and lone
# combining marks: a name made only of these shows as blank.
_INVISIBLE_CATEGORIES = frozenset({"Zs", "Zl", "Zp", "Cc", "Cf", "Mn", "Me"})


def _no_control_characters(value: str | None) -> str | None:
    if value is not None and _CONTROL.search(value):
        raise invalid(
            "control_character",
            "must not contain control characters (such as NUL, tab or a line break)",
        )
    return value


def _no_control_characters_but_lines(value: str | None) -> str | None:
    if value is not None and _CONTROL_IN_LINES.search(value):
        raise invalid(
            "control_character",
            "must not contain control characters (such as NUL); tabs and line breaks are fine",
        )
    return value


def _is_invisible(char: str) -> bool:
    return (
        char in _INVISIBLE_LETTERS
        or char.isspace()
        or unicodedata.category(char) in _INVISIBLE_CATEGORIES
    )


def _something_visible(value: str | None) -> str | None:
    # An empty string is left to the field's min_length (its usual "string_too_short").
    if value and all(_is_invisible(char) for char in value):
        raise invalid("blank", "must contain visible characters, not only spaces")
    return value


_ONE_LINE = AfterValidator(_no_control_characters)
_LINES = AfterValidator(_no_control_characters_but_lines)
_VISIBLE = AfterValidator(_something_visible)

# Free-text field types; lengths stay on each field's Field(). An optional field takes the
# "…OrNone" type: written `X | None`, the Field's max_length could no longer reach the
# string check (a generic "too_long" instead of "string_too_long").
# One line of free text: an address, a reason.
SingleLineText = Annotated[str, _ONE_LINE]
SingleLineTextOrNone = Annotated[str | None, _ONE_LINE]
# Free text that may span lines: notes.
MultiLineText = Annotated[str, _LINES]
MultiLineTextOrNone = Annotated[str | None, _LINES]
# A name (person, household head, place): one line with something visible in it.
NameText = Annotated[str, _ONE_LINE, _VISIBLE]
NameTextOrNone = Annotated[str | None, _ONE_LINE, _VISIBLE]
