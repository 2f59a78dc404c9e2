"""Every report as a table, and that table as CSV (UTF-8 with BOM, Vietnamese headers) or
XLSX (a header row, numbers as numbers, percentages and VND formatted)."""

import csv
import io
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from fastapi import Response
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font

from api.core.spreadsheet import csv_text

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
CSV_TYPE = "text/csv; charset=utf-8"
BOM = "\ufeff"
# Excel formats. Rates are the same numbers as in JSON and CSV (17.79 under a "(%)"
# header), never fractions: a reader who sums or copies cells gets the report's figures.
# Years are plain numbers (2018, not 2,018 nor the text "2018").
FORMATS = {
    "int": "#,##0",
    "vnd": "#,##0",
    "rate": "0.00",
    "year": "0",
    "date": "dd/mm/yyyy",
    "text": "@",
}
WIDTHS = {"text": 28, "int": 14, "vnd": 18, "rate": 12, "year": 10, "date": 12}


@dataclass(frozen=True)
class Column:
    key: str
    header: str  # Vietnamese, as officers read it
    kind: str = "int"  # text | int | vnd | rate | year | date


@dataclass
class Table:
    title: str
    filename: str  # without extension, ASCII
    columns: list[Column]
    rows: list[dict[str, Any]]
    total: dict[str, Any] | None = None
    sheet: str = "Báo cáo"
    notes: list[str] = field(default_factory=list)

    def all_rows(self) -> list[dict[str, Any]]:
        return self.rows + ([self.total] if self.total is not None else [])


def _csv_value(value: Any, kind: str) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "có" if value else "không"
    if kind == "rate":
        return f"{value:.2f}"
    if kind == "date" and isinstance(value, date):
        return value.strftime("%d/%m/%Y")
    return str(value)


def to_csv(table: Table) -> bytes:
    """UTF-8 with a BOM, so that Excel opens the Vietnamese headers correctly."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow([column.header for column in table.columns])
    for row in table.all_rows():
        writer.writerow([csv_text(_csv_value(row.get(c.key), c.kind)) for c in table.columns])
    return (BOM + out.getvalue()).encode("utf-8")


def _xlsx_value(value: Any, kind: str) -> Any:
    if value is None:
        return None
    if kind == "rate":
        return float(value)
    if isinstance(value, bool):
        return "có" if value else "không"
    return value


def to_xlsx(table: Table) -> bytes:
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(table.sheet[:31])
    for index, column in enumerate(table.columns):
        letter = _letter(index)
        sheet.column_dimensions[letter].width = max(WIDTHS[column.kind], len(column.header) + 2)
    sheet.freeze_panes = "A2"
    bold = Font(bold=True)
    header = []
    for column in table.columns:
        cell = WriteOnlyCell(sheet, value=column.header)
        cell.font = bold
        header.append(cell)
    sheet.append(header)
    for row in table.rows:
        sheet.append(_xlsx_row(sheet, table.columns, row, bold=False))
    if table.total is not None:
        sheet.append(_xlsx_row(sheet, table.columns, table.total, bold=True))
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def _xlsx_row(sheet, columns: list[Column], row: dict[str, Any], *, bold: bool) -> list:
    cells = []
    for column in columns:
        cell = WriteOnlyCell(sheet, value=_xlsx_value(row.get(column.key), column.kind))
        if cell.data_type == "f":  # a name typed as "=…" stays text (api/core/spreadsheet.py)
            cell.data_type = "s"
        if column.kind != "text":
            cell.number_format = FORMATS[column.kind]
        if bold:
            cell.font = Font(bold=True)
        cells.append(cell)
    return cells


def _letter(index: int) -> str:
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def render(table: Table, fmt: str) -> Response:
    """The CSV or XLSX download of a table, with a file name."""
    if fmt == "csv":
        body, media_type, ext = to_csv(table), CSV_TYPE, "csv"
    else:
        body, media_type, ext = to_xlsx(table), XLSX_TYPE, "xlsx"
    disposition = f'attachment; filename="{table.filename}.{ext}"'
    return Response(body, media_type=media_type, headers={"Content-Disposition": disposition})


EXPORT_RESPONSES = {
    200: {
        "content": {
            "text/csv": {"schema": {"type": "string"}},
            XLSX_TYPE: {"schema": {"type": "string", "format": "binary"}},
        },
        "description": "JSON by default; ?format=csv (UTF-8 with BOM, Vietnamese headers) or "
        "?format=xlsx downloads the same table",
    }
}
