"""Gettext catalogues and the officer's language choice.

Messages live in ``web/translations/<locale>/LC_MESSAGES/messages.po`` (msgids in English)
and are compiled to ``.mo`` by ``python -m web.i18n.compile``.
"""

from functools import cache
from pathlib import Path

from babel.support import NullTranslations, Translations
from starlette.requests import HTTPConnection

TRANSLATIONS_DIR = Path(__file__).resolve().parent.parent / "translations"
LOCALES = ("vi", "en")
DEFAULT_LOCALE = "vi"
LANGUAGE_COOKIE = "gn_lang"


def N_(message: str) -> str:  # noqa: N802 - the conventional gettext marker name
    """Mark a message for extraction; it is translated later, when the locale is known."""
    return message


@cache
def get_translations(locale: str) -> NullTranslations:
    """The compiled catalogue for ``locale`` (English msgids fall through untranslated)."""
    return Translations.load(str(TRANSLATIONS_DIR), locales=[locale], domain="messages")


def locale_from(connection: HTTPConnection) -> str:
    """The officer's chosen language, from the cookie; Vietnamese unless they chose otherwise."""
    chosen = connection.cookies.get(LANGUAGE_COOKIE, "")
    return chosen if chosen in LOCALES else DEFAULT_LOCALE


def translations_for(connection: HTTPConnection) -> NullTranslations:
    return get_translations(locale_from(connection))
