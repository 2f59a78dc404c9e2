"""Text folding for search: case and Vietnamese diacritics ignored, NFC or NFD input alike."""

import re
import unicodedata

_SPACES = re.compile(r"\s+")


def fold(text: str | None) -> str:
    """'Nguyễn Văn Ả' and 'nguyen van a' fold to the same string."""
    if not text:
        return ""
    decomposed = unicodedata.normalize("NFD", text)
    stripped = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    stripped = stripped.replace("đ", "d").replace("Đ", "D")
    return _SPACES.sub(" ", stripped).strip().lower()


def nfc(text: str | None) -> str | None:
    """Store what people type in one canonical form (NFC), trimmed."""
    if text is None:
        return None
    return _SPACES.sub(" ", unicodedata.normalize("NFC", text)).strip()
