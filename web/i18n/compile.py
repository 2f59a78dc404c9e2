"""Compile the ``.po`` catalogues into the committed ``.mo`` files.

Run ``python -m web.i18n.compile`` after editing a ``.po`` file; ``--check`` exits 1 when a
committed ``.mo`` is stale (the test suite runs the same check).
"""

import sys
from io import BytesIO
from pathlib import Path

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

from web.i18n import LOCALES, TRANSLATIONS_DIR


def catalogue_paths(locale: str) -> tuple[Path, Path]:
    folder = TRANSLATIONS_DIR / locale / "LC_MESSAGES"
    return folder / "messages.po", folder / "messages.mo"


def compiled_bytes(po_path: Path) -> bytes:
    """The ``.mo`` bytes for a ``.po`` file; deterministic, so they can be compared."""
    with po_path.open("rb") as po_file:
        catalogue = read_po(po_file, locale=po_path.parent.parent.name)
    buffer = BytesIO()
    write_mo(buffer, catalogue, use_fuzzy=False)
    return buffer.getvalue()


def stale_catalogues() -> list[str]:
    """Locales whose committed ``.mo`` differs from what their ``.po`` compiles to."""
    stale = []
    for locale in LOCALES:
        po_path, mo_path = catalogue_paths(locale)
        if not mo_path.exists() or mo_path.read_bytes() != compiled_bytes(po_path):
            stale.append(locale)
    return stale


def compile_all() -> None:
    for locale in LOCALES:
        po_path, mo_path = catalogue_paths(locale)
        mo_path.write_bytes(compiled_bytes(po_path))
        print(f"compiled {po_path} -> {mo_path.name}")


def main(argv: list[str]) -> int:
    if "--check" in argv:
        stale = stale_catalogues()
        if stale:
            print(f"stale .mo files for: {', '.join(stale)}; run python -m web.i18n.compile")
            return 1
        return 0
    compile_all()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
