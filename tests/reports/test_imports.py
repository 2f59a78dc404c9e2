"""POST /api/v1/imports/households: good lists, every kind of bad input, atomicity,
re-imports that change nothing, the errors file and the template."""

import io
import unicodedata
import zipfile
from datetime import datetime

import pytest
from openpyxl import Workbook, load_workbook
from sqlalchemy import func, select

from api.models import AuditEntry, Household, ImportJob, Member

URL = "/api/v1/imports/households"
HEADERS = [
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
]
GOOD = [
    [
        1,
        "SK-001",
        "Thạch Thị Sa Rinh",
        "Sóc Kha",
        "Khmer",
        "Nữ",
        "1.975",
        "0918.123.456",
        "x",
        "15/03/2016",
    ],
    [
        2,
        "SK-002",
        "Nguyễn Văn An",
        "Ấp Sóc Kha",
        "Kinh",
        "Nam",
        1980,
        None,
        None,
        datetime(2017, 6, 1),
    ],
    [3, "SK-003", "Lâm Thị Hoa", None, "hoa", "nữ", 1990.0, 918555666, "không", None],
]


def workbook(rows, headers=HEADERS, title=None, build=None) -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.title = "Danh sách"
    if title:
        sheet.append([title])
    sheet.append(headers)
    for row in rows:
        sheet.append(row)
    if build:
        build(book, sheet)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def send(client, headers, data, *, name="ds.xlsx", place=None, **params):
    params = {"place_id": place, **params} if place else params
    return client.post(URL, params=params, files={"file": (name, data)}, headers=headers)


def count(db, model, **where) -> int:
    stmt = select(func.count()).select_from(model)
    for key, value in where.items():
        stmt = stmt.where(getattr(model, key) == value)
    return db.execute(stmt).scalar_one()


@pytest.fixture
def commune(tree):
    return tree["commune_a"]["id"]


class TestGoodFile:
    def test_commit_then_reimport_changes_nothing(self, client, officer, commune, db, tree):
        response = send(client, officer, workbook(GOOD, title="DANH SÁCH HỘ"), place=commune)
        assert response.status_code == 200, response.text
        report = response.json()
        assert report["status"] == "committed"
        assert report["stats"] == {
            "created": 3,
            "updated": 0,
            "ignored": 0,
            "failed": 0,
            "skipped": 0,
            "total": 3,
        }
        assert report["file"]["header_row"] == 2
        assert response.headers["Location"] == f"/api/v1/imports/{report['id']}"
        homes = {
            h.code: h
            for h in db.execute(select(Household).where(Household.commune_id == commune)).scalars()
        }
        first = homes["SK-001"]
        assert (first.head_name, first.ethnicity, first.phone) == (
            "Thạch Thị Sa Rinh",
            "khmer",
            "0918123456",
        )
        assert (first.meritorious_service, first.registered_on.isoformat()) == (True, "2016-03-15")
        assert first.place_id == tree["hamlet_a"]["id"]
        assert homes["SK-002"].registered_on.isoformat() == "2017-06-01"
        assert homes["SK-003"].place_id == commune  # no hamlet named: the commune itself
        assert homes["SK-003"].phone == "0918555666"
        head = db.execute(select(Member).where(Member.household_id == first.id)).scalar_one()
        assert (head.birth_year, head.gender, head.relation) == (1975, "female", "head")
        assert head.name_search == "thach thi sa rinh"
        assert count(db, AuditEntry, action="import:create") == 3

        again = send(client, officer, workbook(GOOD), place=commune).json()
        assert again["stats"]["ignored"] == 3
        assert (again["stats"]["created"], again["stats"]["updated"]) == (0, 0)
        assert count(db, Household, commune_id=commune) == 3

        changed = [row[:] for row in GOOD]
        changed[1][2] = "Nguyễn Văn Ân"
        third = send(client, officer, workbook(changed), place=commune).json()
        assert (third["stats"]["updated"], third["stats"]["ignored"]) == (1, 2)
        db.expire_all()
        assert db.get(Household, homes["SK-002"].id).head_name == "Nguyễn Văn Ân"
        assert count(db, AuditEntry, action="import:update") == 1

    def test_a_blank_hamlet_moves_nobody_a_named_one_does(self, client, officer, commune, db, tree):
        send(client, officer, workbook(GOOD), place=commune)
        without = [[row[0], row[1], row[2], row[4]] for row in GOOD]
        headers = ["STT", "Mã hộ", "Họ tên chủ hộ", "Dân tộc"]
        report = send(client, officer, workbook(without, headers), place=commune).json()
        assert report["stats"]["ignored"] == 3
        moved = [row[:] for row in GOOD]
        moved[2][3] = "Ấp Sóc Kha"  # SK-003 lived right in the commune
        report = send(client, officer, workbook(moved), place=commune).json()
        assert (report["stats"]["updated"], report["stats"]["ignored"]) == (1, 2)
        home = db.execute(select(Household).where(Household.code == "SK-003")).scalar_one()
        db.refresh(home)
        assert home.place_id == tree["hamlet_a"]["id"]

    def test_validate_saves_nothing(self, client, officer, commune, db):
        report = send(client, officer, workbook(GOOD), place=commune, mode="validate").json()
        assert (report["status"], report["saved"], report["stats"]["created"]) == (
            "valid",
            False,
            3,
        )
        assert count(db, Household, commune_id=commune) == 0
        assert count(db, ImportJob) == 1

    def test_csv_utf8_semicolons_and_english_headers(self, client, admin, commune, db):
        text = (
            "Household code;Head of household;Hamlet/quarter;Ethnicity;Registered on\r\n"
            "C-1;Trần Thị Mai;Sóc Kha;Kinh;01/02/2015\r\n"
        )
        response = send(client, admin, text.encode("utf-8"), name="ds.csv", place=commune)
        report = response.json()
        assert (report["file"]["kind"], report["file"]["encoding"]) == ("csv", "UTF-8")
        assert report["stats"]["created"] == 1

    def test_windows_1258_csv_is_converted(self, client, admin, commune, db):
        text = "Mã hộ,Họ tên chủ hộ,Dân tộc\r\nW-1,Nguyễn Thị Hường,Kinh\r\n"
        report = send(client, admin, cp1258(text), name="ds.csv", place=commune).json()
        assert report["file"]["encoding"] == "Windows-1258"
        assert report["stats"]["created"] == 1
        assert "Windows-1258" in report["warnings"][0]["message_en"]
        home = db.execute(select(Household).where(Household.code == "W-1")).scalar_one()
        assert home.head_name == "Nguyễn Thị Hường"

    def test_district_list_names_the_commune(self, client, admin, tree, db):
        headers = ["Mã hộ", "Họ tên chủ hộ", "Xã/Thị trấn", "Ấp/Khóm", "Dân tộc"]
        rows = [
            ["D-1", "Kim Văn Sang", "Hòa Ân", "Sóc Kha", "Khmer"],
            ["D-1", "Lê Văn Tâm", "xa Phong Thanh", None, "Kinh"],
        ]
        report = send(client, admin, workbook(rows, headers), place=tree["district"]["id"]).json()
        assert report["stats"]["created"] == 2  # one code in two communes: two households
        assert count(db, Household, code="D-1") == 2
        no_column = send(
            client,
            admin,
            workbook([["X", "Y", "Kinh"]], ["Mã hộ", "Họ tên chủ hộ", "Dân tộc"]),
            place=tree["district"]["id"],
        )
        assert no_column.status_code == 422
        assert "Xã/Thị trấn" in no_column.json()["detail"]


class TestBadRows:
    def test_two_bad_rows_named_precisely_and_nothing_saved(self, client, officer, commune, db):
        rows = [row[:] for row in GOOD]
        rows[0][4] = "Khme"  # row 2 of the sheet
        rows[2][9] = "31/02/2016"  # row 4
        response = send(client, officer, workbook(rows), place=commune)
        assert response.status_code == 422
        body = response.json()
        assert body["detail"] == "2 rows are invalid; nothing was saved (atomic=all)."
        assert body["detail_vi"] == "2 dòng có lỗi; chưa lưu dòng nào (atomic=all)."
        report = body["report"]
        assert report["status"] == "rejected"
        assert report["stats"] == {
            "created": 0,
            "updated": 0,
            "ignored": 0,
            "failed": 2,
            "skipped": 1,
            "total": 3,
        }
        assert [(e["row"], e["column"], e["header"]) for e in report["errors"]] == [
            (2, "E", "Dân tộc"),
            (4, "J", "Ngày vào sổ"),
        ]
        assert report["errors"][0]["message_vi"] == (
            "Dân tộc «Khme» không có trong danh mục 54 dân tộc (ví dụ Kinh, Khmer, Hoa)."
        )
        assert report["errors"][1]["message_en"] == "The date “31/02/2016” does not exist."
        assert count(db, Household, commune_id=commune) == 0

        errors = client.get(report["errors_file"], headers=officer)
        assert errors.status_code == 200
        sheet = load_workbook(io.BytesIO(errors.content)).active
        lines = list(sheet.iter_rows(values_only=True))
        assert lines[0] == (*HEADERS, "Lỗi", "Error (English)")
        assert len(lines) == 4  # the header and every original row
        assert lines[1][1] == "SK-001" and lines[1][10].startswith("Dân tộc «Khme»")
        assert lines[2][10] is None
        csv_file = client.get(report["errors_file"], params={"format": "csv"}, headers=officer)
        assert csv_file.content.decode("utf-8-sig").splitlines()[0].endswith("Lỗi,Error (English)")

        partial = send(client, officer, workbook(rows), place=commune, atomic="row").json()
        assert (partial["status"], partial["stats"]["created"], partial["stats"]["failed"]) == (
            "partial",
            1,
            2,
        )
        assert count(db, Household, commune_id=commune) == 1

    def test_cell_rules(self, client, admin, commune, db, make_household, tree):
        existing = make_household(
            tree["hamlet_a"]["id"],
            members=[
                {
                    "full_name": "Trần Văn Có",
                    "gender": "male",
                    "birth_year": 1980,
                    "relation": "head",
                    "citizen_id": "084080123456",
                }
            ],
        )
        headers = [
            "Mã hộ",
            "Họ tên chủ hộ",
            "Ấp/Khóm",
            "Dân tộc",
            "Năm sinh chủ hộ",
            "Giới tính chủ hộ",
            "Số CCCD chủ hộ",
            "Người có công",
        ]
        rows = [
            ["OK-1", "Trần Văn Một", None, "Kinh", 1980, "Nam", None, None],
            ["OK-1", "Trần Văn Hai", None, "Kinh", None, None, None, None],  # repeated code
            ["B 3", "Trần Văn Ba", None, "Kinh", None, None, None, None],  # bad code
            ["B-4", "Trần Văn Bốn", "Ấp Không Có", "Kinh", None, None, None, None],
            ["B-5", "Trần Văn Năm", None, "Kinh", "1,5", "Nam", None, None],
            ["B-6", "Trần Văn Sáu", None, "Kinh", 1980, None, None, None],  # sex missing
            ["B-7", "Trần Văn Bảy", None, "Kinh", 1980, "Nam", "084080123456", None],
            ["B-8", "Trần Văn Tám", None, "Kinh", None, None, None, "có lẽ"],
            [None, "Trần Văn Chín", None, "Kinh", None, None, None, None],
            [None, None, "Hòa Ân, ngày 15/03/2019", None, None, None, None, None],  # a note
        ]
        report = send(client, admin, workbook(rows, headers), place=commune, mode="validate").json()
        found = {(e["row"], e["column"]) for e in report["errors"]}
        assert found == {
            (3, "A"),  # OK-1 repeats row 2
            (4, "A"),
            (5, "C"),
            (6, "E"),
            (7, "F"),
            (8, "G"),
            (9, "H"),
            (10, "A"),
        }
        by_row = {e["row"]: e for e in report["errors"]}
        assert by_row[3]["message_en"] == "Household code “OK-1” repeats row 2."
        assert "a member of household" in by_row[8]["message_en"]
        assert existing["code"] in by_row[8]["message_en"]
        assert report["stats"]["total"] == 9
        assert report["warnings"][0]["message_en"].startswith("Row 11 skipped")

    def test_formulas_and_merged_cells(self, client, admin, commune):
        def build(book, sheet):
            sheet["C3"] = '=B3&" "&D3'
            sheet.merge_cells("D4:D5")

        rows = [[i, f"F-{i}", f"Hộ {i}", "Sóc Kha", "Kinh"] for i in (1, 2, 3, 4)]
        response = send(client, admin, workbook(rows, HEADERS[:5], build=build), place=commune)
        report = response.json()["report"]
        errors = {(e["row"], e["column"]): e for e in report["errors"]}
        assert set(errors) == {(3, "C"), (4, "D"), (5, "D")}
        assert "formula" in errors[3, "C"]["message_en"]
        assert "công thức" in errors[3, "C"]["message_vi"]
        assert "Cells D4:D5 are merged" in errors[4, "D"]["message_en"]

    def test_hidden_sheets(self, client, admin, commune):
        def build(book, sheet):
            hidden = book.create_sheet("Cũ")
            hidden.append(["Mã hộ", "Họ tên chủ hộ", "Dân tộc"])
            hidden.sheet_state = "hidden"

        data = workbook(GOOD, build=build)
        report = send(client, admin, data, place=commune, mode="validate").json()
        assert report["warnings"] == [
            {
                "message_vi": "Trang tính ẩn «Cũ» không được đọc.",
                "message_en": "The hidden sheet “Cũ” was not read.",
            }
        ]
        chosen = send(client, admin, data, place=commune, sheet="Cũ")
        assert chosen.status_code == 422
        assert "hidden" in chosen.json()["detail"]


class TestBadFiles:
    @pytest.mark.parametrize(
        ("data", "name", "words"),
        [
            (b"<html><table><tr><td>1</td></tr></table></html>", "ds.xlsx", "not an Excel"),
            (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 64, "ds.xls", "old Excel workbook"),
            (b"Ten,Tuoi\r\nA,1\r\n", "ds.csv", "No header row"),
            (b"", "ds.csv", "empty"),
        ],
    )
    def test_unreadable(self, client, admin, commune, db, data, name, words):
        response = send(client, admin, data, name=name, place=commune)
        assert response.status_code == 422
        body = response.json()
        assert words in body["detail"]
        assert body["detail_vi"]
        assert count(db, ImportJob) == 0

    def test_a_zip_that_is_not_a_workbook(self, client, admin, commune):
        out = io.BytesIO()
        with zipfile.ZipFile(out, "w") as archive:
            archive.writestr("hello.txt", "xin chào")
        response = send(client, admin, out.getvalue(), place=commune)
        assert response.status_code == 422
        assert "not a valid Excel workbook" in response.json()["detail"]

    def test_vni_text(self, client, admin, commune):
        # "Mã hộ,Họ tên chủ hộ,Dân tộc / V-1,Nguyễn Thị Hường,Kinh" typed with a VNI font.
        vni = "Maõ hoä,Hoï teân chuû hoä,Daân toäc\r\nV-1,Nguyeãn Thò Höôøng,Kinh\r\n"
        response = send(client, admin, vni.encode("cp1252"), name="ds.csv", place=commune)
        assert response.status_code == 422
        body = response.json()
        assert "VNI-Windows" in body["detail"]
        assert "Unikey" in body["detail_vi"]

    def test_fifty_megabytes(self, client, admin, commune):
        response = send(client, admin, b"0" * (50 * 1024 * 1024), place=commune)
        assert response.status_code == 413
        assert response.headers["content-type"] == "application/problem+json"

    def test_missing_columns(self, client, admin, commune):
        data = workbook([["A-1", "Kinh"]], ["Mã hộ", "Dân tộc"])
        response = send(client, admin, data, place=commune)
        assert response.status_code == 422
        assert response.json()["detail_vi"] == "Thiếu cột bắt buộc: «Họ tên chủ hộ»."


class TestAccessAndJobs:
    def test_who_may_import(self, client, officer, auditor, tree):
        data = workbook(GOOD)
        assert client.post(URL, params={"place_id": tree["commune_a"]["id"]}).status_code == 401
        assert send(client, auditor, data, place=tree["commune_a"]["id"]).status_code == 403
        assert send(client, officer, data, place=tree["commune_b"]["id"]).status_code == 404
        assert send(client, officer, data).status_code == 422  # no place named
        by_code = client.post(
            URL,
            params={"place_code": tree["commune_a"]["code"], "mode": "validate"},
            files={"file": ("ds.xlsx", data)},
            headers=officer,
        )
        assert by_code.status_code == 200

    def test_jobs_and_template(self, client, officer, admin, commune, tree):
        report = send(client, officer, workbook(GOOD), place=commune).json()
        listed = client.get("/api/v1/imports", headers=officer).json()["items"]
        assert [(job["id"], job["stats"]["created"]) for job in listed] == [(report["id"], 3)]
        assert client.get(f"/api/v1/imports/{report['id']}", headers=officer).json() == report
        assert (
            client.get(
                report["errors_file"] or "/api/v1/imports/x/errors", headers=officer
            ).status_code
            == 404
        )
        template = client.get(f"{URL}/template", headers=officer)
        assert template.headers["content-disposition"] == (
            'attachment; filename="mau-danh-sach-ho.xlsx"'
        )
        book = load_workbook(io.BytesIO(template.content))
        header = next(book["Danh sách hộ"].iter_rows(max_row=1, values_only=True))
        assert header[:5] == ("Mã hộ", "Họ tên chủ hộ", "Xã/Thị trấn", "Ấp/Khóm", "Dân tộc")
        assert book.sheetnames == ["Danh sách hộ", "Hướng dẫn"]
        # The empty template imports as an empty list.
        empty = send(client, admin, template.content, place=commune, mode="validate").json()
        assert (empty["status"], empty["stats"]["total"]) == ("valid", 0)
        csv_template = client.get(f"{URL}/template", params={"format": "csv"}, headers=officer)
        assert csv_template.content.decode("utf-8-sig").startswith("Mã hộ,Họ tên chủ hộ")


def cp1258(text: str) -> bytes:
    """Vietnamese text as Windows-1258 stores it: base letters (with circumflex, breve or
    horn) and separate tone marks."""
    tones = {"\u0300", "\u0301", "\u0303", "\u0309", "\u0323"}
    out = []
    for char in unicodedata.normalize("NFD", text):
        if not unicodedata.combining(char):
            out.append([char, ""])
        elif char in tones:
            out[-1][1] += char
        else:
            out[-1][0] = unicodedata.normalize("NFC", out[-1][0] + char)
    return "".join(base + tone for base, tone in out).encode("cp1258")
