"""Reading an uploaded file into a header and rows: XLSX (openpyxl, read-only) or CSV (UTF-8
with or without BOM, UTF-16, Windows-1258 converted; VNI and TCVN3 refused by name).

What makes the whole file unreadable raises `FileProblem` (a 422 with Vietnamese and English
messages). What concerns one cell (a formula, merged cells) is reported on its row.
"""

import csv
import io
import re
import unicodedata
import zipfile
from dataclasses import dataclass, field
from typing import Any

from openpyxl import load_workbook
from openpyxl.utils import get_column_letter, range_boundaries

from api.errors import ValidationFailed
from api.imports.columns import IGNORED, field_for, key_of

HEADER_SCAN_ROWS = 15
MAX_SHEET_XML_BYTES = 400 * 1024 * 1024  # a zip bomb stops here
_MERGE = re.compile(rb'<mergeCell ref="([A-Z]+[0-9]+(?::[A-Z]+[0-9]+)?)"')
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"


class FileProblem(ValidationFailed):
    """The file as a whole cannot be imported."""

    def __init__(self, vi: str, en: str, **extra):
        super().__init__(en, detail_vi=vi, errors=[{"pointer": "/file", "detail": en}], **extra)
        self.vi, self.en = vi, en


@dataclass
class Row:
    number: int  # as the spreadsheet shows it (the header is row 1 of a CSV)
    values: list[Any]  # as read, one per header column
    problems: list[tuple[int | None, str, str]] = field(default_factory=list)  # col, vi, en


@dataclass
class Sheet:
    kind: str  # xlsx | csv
    name: str | None
    encoding: str | None
    header_row: int
    headers: list[str]
    columns: dict[str, int]  # field key -> column index
    rows: list[Row]
    warnings: list[tuple[str, str]] = field(default_factory=list)

    def letter(self, index: int) -> str:
        return get_column_letter(index + 1)


def read_file(data: bytes, *, file_name: str | None, sheet: str | None = None) -> Sheet:
    """The table of the file, whatever its kind; FileProblem when it is not a table at all."""
    name = (file_name or "").lower()
    if not data.strip():
        raise FileProblem("Tệp rỗng.", "The file is empty.")
    if data.startswith(OLE_MAGIC):
        raise FileProblem(
            "Tệp là bảng tính Excel cũ (.xls) hoặc có đặt mật khẩu: hãy mở bằng Excel, bỏ mật "
            "khẩu nếu có, rồi lưu lại dạng Sổ làm việc Excel (.xlsx).",
            "The file is an old Excel workbook (.xls) or is password-protected: open it in "
            "Excel, remove the password if any, and save it as an Excel Workbook (.xlsx).",
        )
    if data.startswith(b"PK"):
        return read_xlsx(data, sheet=sheet)
    if name.endswith((".xlsx", ".xlsm", ".xls")):
        looks = "HTML" if data.lstrip()[:1] == b"<" else "văn bản / text"
        raise FileProblem(
            f"Tệp có đuôi {name.rsplit('.', 1)[-1]} nhưng không phải là bảng tính Excel "
            f"(nội dung là {looks}). Hãy mở tệp bằng Excel và lưu lại dạng .xlsx hoặc CSV UTF-8.",
            f"The file is named .{name.rsplit('.', 1)[-1]} but is not an Excel workbook "
            f"(its content is {looks.split(' / ')[-1]}). Open it in Excel and save it as .xlsx "
            "or CSV UTF-8.",
        )
    return read_csv(data)


# -- XLSX --------------------------------------------------------------------------------------


def read_xlsx(data: bytes, *, sheet: str | None) -> Sheet:
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=False)
    except Exception as exc:  # openpyxl raises many kinds for a zip that is no workbook
        raise FileProblem(
            "Tệp không phải là bảng tính Excel (.xlsx) hợp lệ hoặc đã bị hỏng.",
            "The file is not a valid Excel workbook (.xlsx), or it is damaged "
            f"({type(exc).__name__}).",
        ) from exc
    try:
        return _read_workbook(archive, workbook, sheet)
    finally:
        workbook.close()


def _read_workbook(archive, workbook, wanted: str | None) -> Sheet:
    warnings = []
    visible = [ws for ws in workbook.worksheets if ws.sheet_state == "visible"]
    for ws in workbook.worksheets:
        if ws.sheet_state != "visible":
            warnings.append(
                (
                    f"Trang tính ẩn «{ws.title}» không được đọc.",
                    f"The hidden sheet “{ws.title}” was not read.",
                )
            )
    if wanted is not None:
        chosen = next((ws for ws in workbook.worksheets if ws.title == wanted), None)
        if chosen is None:
            names = ", ".join(ws.title for ws in workbook.worksheets)
            raise FileProblem(
                f"Không có trang tính «{wanted}» (có: {names}).",
                f"There is no sheet “{wanted}” (the workbook has: {names}).",
            )
        if chosen.sheet_state != "visible":
            raise FileProblem(
                f"Trang tính «{wanted}» đang bị ẩn: hãy bỏ ẩn nếu đúng là danh sách cần nhập.",
                f"The sheet “{wanted}” is hidden: unhide it if it is the list to import.",
            )
        candidates = [chosen]
    else:
        candidates = visible
    if not candidates:
        raise FileProblem("Sổ làm việc không có trang tính nào hiện.", "No sheet is visible.")
    for ws in candidates:
        table = _table_of(ws)
        if table is not None or ws is candidates[-1]:
            break
    if table is None:
        raise _no_header()
    header_row, headers, rows = table
    merged = _merged_ranges(archive, ws._worksheet_path)
    result = _sheet("xlsx", ws.title, None, header_row, headers, rows, warnings)
    _flag_merged(result, merged)
    return result


def _table_of(ws):
    """(header row number, headers, [(row number, values, formula columns)]) or None."""
    iterator = ws.iter_rows()
    scanned = []
    for number, cells in enumerate(iterator, start=1):
        values = [cell.value for cell in cells]
        scanned.append((number, cells, values))
        if _is_header(values):
            headers = [_header_text(v) for v in values]
            rows = []
            for later_number, later in enumerate(iterator, start=number + 1):
                row_values, formulas = [], []
                for index, cell in enumerate(later):
                    value = cell.value
                    if getattr(cell, "data_type", None) == "f":
                        formulas.append(index)
                    row_values.append(value)
                rows.append((later_number, row_values, formulas))
            return number, headers, rows
        if number >= HEADER_SCAN_ROWS:
            return None
    return None


def _merged_ranges(archive: zipfile.ZipFile, path: str) -> list[tuple[int, int, int, int]]:
    path = path.lstrip("/")
    try:
        info = archive.getinfo(path)
    except KeyError:
        return []
    if info.file_size > MAX_SHEET_XML_BYTES:
        raise FileProblem("Trang tính quá lớn.", "The sheet is too large to read.")
    content = archive.read(path)
    if b"<mergeCell " not in content:
        return []
    return [range_boundaries(ref.decode()) for ref in _MERGE.findall(content)]


def _flag_merged(sheet: Sheet, merged) -> None:
    by_number = {row.number: row for row in sheet.rows}
    for min_col, min_row, max_col, max_row in merged:
        if max_row <= sheet.header_row:
            continue  # a title merged above the header is fine
        ref = f"{get_column_letter(min_col)}{min_row}:{get_column_letter(max_col)}{max_row}"
        if min_row <= sheet.header_row:
            raise FileProblem(
                f"Các ô {ref} được gộp (Merge) qua dòng tiêu đề: hãy bỏ gộp ô rồi nhập lại.",
                f"Cells {ref} are merged across the header row: unmerge them and import again.",
            )
        for number in range(min_row, max_row + 1):
            row = by_number.get(number)
            if row is not None:
                row.problems.append(
                    (
                        min_col - 1,
                        f"Các ô {ref} được gộp (Merge): mỗi dòng phải có đủ giá trị của mình, "
                        "hãy bỏ gộp ô và điền lại.",
                        f"Cells {ref} are merged: every row must hold its own values; unmerge "
                        "them and fill them in.",
                    )
                )


# -- CSV ---------------------------------------------------------------------------------------

_TONES = ("", "\u0300", "\u0301", "\u0309", "\u0303", "\u0323")
VIETNAMESE_LETTERS = frozenset(
    unicodedata.normalize("NFC", base + tone)
    for letter in "aăâeêioôơuưy"
    for base in (letter, letter.upper())
    for tone in _TONES
) | frozenset("đĐ")
_VNI_MARKS = frozenset("øöñÑïûëäåÖØßÕ")
_TCVN3_MARKS = frozenset("µ¸¶·¹¨©ª«¬®»¼½¾Æ")
_CP1258_TONE_BYTES = frozenset(b"\xcc\xec\xd2\xde\xf2")


def decode(data: bytes) -> tuple[str, str]:
    """The text and the encoding it was read in; FileProblem for a legacy encoding."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("utf-16"), "UTF-16"
    try:
        text = data.decode("utf-8-sig")
        return text, "UTF-8 (BOM)" if data.startswith(b"\xef\xbb\xbf") else "UTF-8"
    except UnicodeDecodeError:
        pass
    latin = data.decode("cp1252", errors="replace")
    if sum(ch in _VNI_MARKS for ch in latin) >= 2 or sum(ch in _TCVN3_MARKS for ch in latin) >= 3:
        raise FileProblem(
            "Tệp CSV dùng bảng mã cũ VNI-Windows hoặc TCVN3 (ABC), không phải Unicode. Hãy "
            "chuyển sang Unicode bằng Unikey (Công cụ chuyển mã: nguồn VNI Windows hoặc TCVN3, "
            "đích Unicode) hoặc lưu lại từ Excel dạng «CSV UTF-8», rồi nhập lại.",
            "The CSV uses a legacy Vietnamese encoding (VNI-Windows or TCVN3/ABC), not Unicode. "
            "Convert it to Unicode with Unikey's converter (source VNI Windows or TCVN3, target "
            "Unicode) or save it from Excel as 'CSV UTF-8', and import it again.",
        )
    try:
        text = unicodedata.normalize("NFC", data.decode("cp1258"))
    except UnicodeDecodeError:
        text = None
    if text is not None and _looks_vietnamese(text) and any(b in _CP1258_TONE_BYTES for b in data):
        return text, "Windows-1258"
    raise FileProblem(
        "Tệp CSV không ở dạng Unicode (UTF-8) và không nhận ra được bảng mã. Hãy lưu lại từ "
        "Excel dạng «CSV UTF-8 (Comma delimited)» rồi nhập lại.",
        "The CSV is not Unicode (UTF-8) and its encoding is not recognised. Save it from Excel "
        "as 'CSV UTF-8 (Comma delimited)' and import it again.",
    )


def _looks_vietnamese(text: str) -> bool:
    return all(ord(ch) < 128 or ch in VIETNAMESE_LETTERS or not ch.isalpha() for ch in text)


def read_csv(data: bytes) -> Sheet:
    text, encoding = decode(data)
    text = unicodedata.normalize("NFC", text)
    first_line = text.split("\n", 1)[0]
    delimiter = max((";", ",", "\t"), key=first_line.count)
    reader = csv.reader(io.StringIO(text), delimiter=delimiter)
    warnings = []
    if encoding == "Windows-1258":
        warnings.append(
            (
                "Tệp CSV ở bảng mã Windows-1258 đã được chuyển sang Unicode; hãy kiểm tra dấu "
                "tiếng Việt trong kết quả.",
                "The CSV was in the Windows-1258 encoding and was converted to Unicode; check "
                "the Vietnamese diacritics in the result.",
            )
        )
    rows, header = [], None
    try:
        for number, values in enumerate(reader, start=1):
            if header is None:
                if _is_header(values):
                    header = (number, [_header_text(v) for v in values])
                elif number >= HEADER_SCAN_ROWS:
                    break
                continue
            rows.append((number, [v if v.strip() else None for v in values], []))
    except csv.Error as exc:
        raise FileProblem(
            f"Tệp CSV bị lỗi định dạng: {exc}.", f"The CSV is malformed: {exc}."
        ) from exc
    if header is None:
        raise _no_header()
    return _sheet("csv", None, encoding, header[0], header[1], rows, warnings)


# -- shared ------------------------------------------------------------------------------------


def _header_text(value: Any) -> str:
    return "" if value is None else unicodedata.normalize("NFC", str(value)).strip()


def _is_header(values: list[Any]) -> bool:
    keys = {field_for(v) for v in values if v not in (None, "")}
    return "code" in keys and len(keys - {None}) >= 2


def _no_header() -> FileProblem:
    return FileProblem(
        "Không tìm thấy dòng tiêu đề: trong 15 dòng đầu phải có một dòng có các cột «Mã hộ», "
        "«Họ tên chủ hộ», «Dân tộc»… (tải mẫu tại /api/v1/imports/households/template).",
        "No header row found: one of the first 15 rows must name the columns “Mã hộ”, "
        "“Họ tên chủ hộ”, “Dân tộc”… (download the template from "
        "/api/v1/imports/households/template).",
    )


def _sheet(kind, name, encoding, header_row, headers, raw_rows, warnings) -> Sheet:
    columns: dict[str, int] = {}
    for index, header in enumerate(headers):
        if not header:
            continue
        key = field_for(header)
        if key is None:
            if key_of(header) not in IGNORED:
                warnings.append(
                    (
                        f"Cột «{header}» không được nhận dạng và đã bỏ qua.",
                        f"The column “{header}” is not recognised and was ignored.",
                    )
                )
            continue
        if key in columns:
            first = headers[columns[key]]
            raise FileProblem(
                f"Hai cột cùng nghĩa: «{first}» và «{header}»; hãy xóa một cột.",
                f"Two columns mean the same: “{first}” and “{header}”; delete one of them.",
            )
        columns[key] = index
    rows = []
    for number, values, formulas in raw_rows:
        values = list(values[: len(headers)]) + [None] * (len(headers) - len(values))
        if all(v is None or (isinstance(v, str) and not v.strip()) for v in values):
            continue
        row = Row(number, values)
        for index in formulas:
            if index < len(headers):
                letter = get_column_letter(index + 1)
                row.problems.append(
                    (
                        index,
                        f"Ô {letter}{number} chứa công thức {values[index]}: hãy sao chép và dán "
                        "giá trị (Paste Special → Values) rồi nhập lại.",
                        f"Cell {letter}{number} holds the formula {values[index]}: copy it and "
                        "paste values only (Paste Special → Values), then import again.",
                    )
                )
        rows.append(row)
    return Sheet(kind, name, encoding, header_row, headers, columns, rows, warnings)
