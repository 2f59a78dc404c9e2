"""Text that goes into a CSV or XLSX file we hand out stays text.

A household name typed as `=HYPERLINK("http://…")` must not become a live formula when an
officer opens a report or an import's errors file in Excel (CSV/formula injection). XLSX
cells get the string type explicitly; CSV text that a spreadsheet would read as a formula
gets a leading apostrophe, which Excel and LibreOffice show as plain text.
"""

from typing import Any

from openpyxl.cell import WriteOnlyCell

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def _looks_like_formula(value: str) -> bool:
    if not value.startswith(FORMULA_STARTS):
        return False
    try:
        float(value)  # "-5" or "+3.5" is a number, not a formula
    except ValueError:
        return True
    return False


def csv_text(value: Any) -> Any:
    """The value for a CSV cell: text that would start a formula gets an apostrophe."""
    if isinstance(value, str) and _looks_like_formula(value):
        return "'" + value
    return value


def xlsx_cell(sheet, value: Any) -> Any:
    """The value for a write-only XLSX row: text starting with "=" as a string cell."""
    if isinstance(value, str) and value.startswith("="):
        cell = WriteOnlyCell(sheet, value=value)
        cell.data_type = "s"
        return cell
    return value
