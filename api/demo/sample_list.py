"""A hamlet's household list as a commune officer keeps it in Excel, with two bad rows: what
`giamngheo demo` leaves in var/ to try the import with."""

import io
from datetime import date
from pathlib import Path

from openpyxl import Workbook
from openpyxl.styles import Font

FILE_NAME = "danh-sach-ho-ap-soc-kha.xlsx"
COMMUNE_CODE = "DEMO-TV-CK-HA"
HEADERS = (
    "STT",
    "Mã hộ",
    "Họ tên chủ hộ",
    "Ấp/Khóm",
    "Dân tộc",
    "Giới tính chủ hộ",
    "Năm sinh chủ hộ",
    "Số điện thoại",
    "Người có công",
    "Ngày vào sổ",
)
ROWS = (
    ("SK-2019-001", "Thạch Thị Sa Mây", "Khmer", "Nữ", "1.978", "0918.123.456", None, "05/01/2019"),
    ("SK-2019-002", "Sơn Văn Chanh Thol", "Khmer", "Nam", 1969, None, "x", "12/01/2019"),
    ("SK-2019-003", "Nguyễn Văn Hiếu Nghĩa", "Kinh", "Nam", 1985, "0987654321", None, "20/01/2019"),
    ("SK-2019-004", "Kim Thị Phol Ngọc", "Khmer", "Nữ", 1992, None, None, "02/02/2019"),
    ("SK-2019-005", "Danh Sa Rươne", "Khme", "Nam", 1975, None, None, "15/02/2019"),  # bad
    ("SK-2019-006", "Lâm Thị Sen Mai", "Khmer", "Nữ", 1988, "0939111222", None, "01/03/2019"),
    ("SK-2019-007", "Trần Thanh Lộc Phát", "Kinh", "Nam", 1979, None, None, "30/02/2019"),  # bad
    ("SK-2019-008", "Thạch Sô Phênh Dếp", "Khmer", "Nam", 1995, None, None, "10/03/2019"),
)


def sample_list() -> bytes:
    """The workbook: a title merged above the header (as officers make them), then the rows."""
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "Ấp Sóc Kha"
    sheet.append(["DANH SÁCH HỘ GIA ĐÌNH MỚI ĐĂNG KÝ - ẤP SÓC KHA, XÃ HÒA ÂN"])
    sheet.merge_cells(start_row=1, start_column=1, end_row=1, end_column=len(HEADERS))
    sheet["A1"].font = Font(bold=True)
    sheet.append(list(HEADERS))
    for number, (code, name, ethnicity, sex, year, phone, merit, day) in enumerate(ROWS, 1):
        sheet.append([number, code, name, "Sóc Kha", ethnicity, sex, year, phone, merit, day])
    sheet.append([])
    sheet.append([None, None, f"Hòa Ân, ngày {date(2019, 3, 15):%d/%m/%Y}"])
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def write_sample_list(folder: Path) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / FILE_NAME
    path.write_bytes(sample_list())
    return path
