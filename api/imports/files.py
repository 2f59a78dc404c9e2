"""Files officers download: the template of a household list, and an import's errors file."""

import csv
import io
from typing import Any

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from api.core.spreadsheet import csv_text, xlsx_cell
from api.imports.columns import FIELDS

DATA_SHEET = "Danh sách hộ"
GUIDE_SHEET = "Hướng dẫn"
TEXT_COLUMNS = ("code", "phone", "head_citizen_id")  # as text: keep leading zeros
GUIDE = (
    (
        "Mã hộ",
        "Bắt buộc. Mã hộ trong xã (chữ không dấu, số, . _ / -), ví dụ HA-03-0127. "
        "Nhập lại cùng tệp không tạo hộ trùng: hộ được nhận ra theo mã trong xã.",
    ),
    ("Họ tên chủ hộ", "Bắt buộc. Có dấu tiếng Việt, ví dụ Thạch Thị Sa Rinh."),
    ("Xã/Thị trấn", "Chỉ cần khi nhập cho cả huyện: tên hoặc mã xã."),
    ("Ấp/Khóm", "Tên ấp/khóm trong xã (Ấp Sóc Kha hoặc Sóc Kha), để trống nếu không thuộc ấp."),
    ("Dân tộc", "Bắt buộc. Kinh, Khmer, Hoa, … (54 dân tộc)."),
    ("Người có công, Bảo trợ xã hội", "Ghi x hoặc có; để trống là không."),
    (
        "Giới tính, Năm sinh, Số CCCD chủ hộ",
        "Nếu có: ghi chủ hộ vào danh sách thành viên "
        "(cần cả giới tính và năm sinh). Số CCCD 12 chữ số.",
    ),
    ("Ngày vào sổ", "Ngày hộ có tên trong sổ, dạng ngày/tháng/năm (15/03/2016)."),
    ("Số", "Viết số không hoặc có dấu chấm ngăn cách hàng nghìn: 1975, 1.500.000."),
    (
        "Không dùng",
        "Công thức, ô gộp (Merge), trang tính ẩn chứa dữ liệu: hãy dán giá trị, bỏ "
        "gộp ô, bỏ ẩn trước khi nhập.",
    ),
    ("English", "Headers may also be in English (Household code, Head of household, …)."),
)


def template_xlsx() -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = DATA_SHEET
    bold, fill = Font(bold=True), PatternFill("solid", fgColor="DDEBF7")
    for index, field in enumerate(FIELDS, start=1):
        cell = sheet.cell(row=1, column=index, value=field.vi)
        cell.font, cell.fill = bold, fill
        cell.alignment = Alignment(wrap_text=True, vertical="center")
        letter = get_column_letter(index)
        sheet.column_dimensions[letter].width = max(14, len(field.vi) + 4)
        number_format = "@" if field.key in TEXT_COLUMNS else None
        if field.key == "registered_on":
            number_format = "dd/mm/yyyy"
        if number_format:
            for row in range(2, 1002):
                sheet.cell(row=row, column=index).number_format = number_format
    sheet.freeze_panes = "A2"
    _validations(sheet)
    guide = workbook.create_sheet(GUIDE_SHEET)
    guide.column_dimensions["A"].width = 34
    guide.column_dimensions["B"].width = 110
    guide.append(["Cột", "Cách ghi"])
    for cell in guide[1]:
        cell.font = bold
    for name, text in GUIDE:
        guide.append([name, text])
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def _validations(sheet) -> None:
    columns = {field.key: get_column_letter(i) for i, field in enumerate(FIELDS, start=1)}
    for key, formula in (
        ("head_gender", '"Nam,Nữ,Khác"'),
        ("meritorious_service", '"x,có,không"'),
        ("social_protection", '"x,có,không"'),
        ("ethnicity", '"Kinh,Khmer,Hoa,Chăm,Tày,Thái,Mường,Nùng"'),
    ):
        validation = DataValidation(type="list", formula1=formula, allow_blank=True)
        validation.showErrorMessage = key != "ethnicity"  # other groups may be typed in
        sheet.add_data_validation(validation)
        validation.add(f"{columns[key]}2:{columns[key]}1001")


def template_csv() -> bytes:
    out = io.StringIO()
    csv.writer(out, lineterminator="\r\n").writerow([field.vi for field in FIELDS])
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def errors_xlsx(content: dict[str, Any]) -> bytes:
    """The header, then every original row in order with its errors in the last columns."""
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet((content.get("sheet") or DATA_SHEET)[:31])
    sheet.append(content["headers"])
    for _number, values, vi, en in content["rows"]:
        sheet.append([xlsx_cell(sheet, v) for v in values] + [vi or None, en or None])
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def errors_csv(content: dict[str, Any]) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(content["headers"])
    for _number, values, vi, en in content["rows"]:
        writer.writerow(["" if v is None else csv_text(v) for v in values] + [vi, en])
    return ("\ufeff" + out.getvalue()).encode("utf-8")
