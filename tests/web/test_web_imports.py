"""Importing a household list: upload, the row-level report, the errors file."""

import re

import httpx
import pytest

from tests.web.fake_api import FakeState
from tests.web.web_test_helpers import (
    HX,
    csrf_token,
    field_errors,
    selected_option,
    text_of,
    ticked,
)

pytestmark = pytest.mark.anyio
GOOD = "\ufeffMã hộ,Họ tên chủ hộ,Dân tộc\nLH-200,Trần Văn Hai,Kinh\nLH-201,Lê Thị Ba,Khmer\n"
BAD = GOOD + "LH-202,Sơn Văn Tư,LỖI\n"


async def upload(
    officer: httpx.AsyncClient, csrf: str, content: str, **fields: str
) -> httpx.Response:
    data = {"csrf_token": csrf, "place_id": "p-long-hoa", "mode": "validate", "atomic": "row"}
    files = {"file": ("danh-sach.csv", content.encode(), "text/csv")}
    return await officer.post("/imports", data=data | fields, files=files)


class TestImportPage:
    async def test_the_form_checks_first_by_default(self, officer: httpx.AsyncClient) -> None:
        page = (await officer.get("/imports")).text
        assert "<h1>Nhập danh sách hộ</h1>" in page
        assert 'enctype="multipart/form-data"' in page
        assert ticked(page, "mode") == ["validate"]
        assert ticked(page, "atomic") == ["row"]
        assert '<a href="/imports/template?format=xlsx" download>' in page

    async def test_a_valid_file_is_checked_without_saving(
        self, officer: httpx.AsyncClient, csrf: str
    ) -> None:
        response = await upload(officer, csrf, GOOD)
        assert response.status_code == 200
        page = response.text
        assert 'data-import-status="valid"' in page
        assert "Tệp hợp lệ · Chưa lưu dòng nào." in text_of(page)
        assert '<dd data-stat="skipped">2</dd>' in page

    async def test_bad_rows_are_named_by_row_and_column_in_vietnamese(
        self, officer: httpx.AsyncClient, csrf: str
    ) -> None:
        saved = await upload(officer, csrf, BAD, mode="commit")
        # Saved: the report has its own page, so a refresh never sends the file again.
        assert saved.status_code == 303
        assert saved.headers["location"] == "/imports/imp-1"
        page = (await officer.get("/imports/imp-1")).text
        assert 'data-import-status="partial"' in page
        assert '<dd data-stat="created">2</dd>' in page
        rows = text_of(page.split("<tbody>")[1].split("</tbody>")[0])
        # the problem first: on a phone it is what the officer must see
        assert rows == "Dân tộc không có trong danh mục. 4 E · Dân tộc LỖI"
        assert '<a href="/imports/imp-1/errors?format=xlsx" download>' in page

    async def test_a_commit_with_htmx_answers_hx_redirect(
        self, officer: httpx.AsyncClient, csrf: str
    ) -> None:
        data = {"csrf_token": csrf, "place_id": "p-long-hoa", "mode": "commit", "atomic": "row"}
        files = {"file": ("danh-sach.csv", GOOD.encode(), "text/csv")}
        response = await officer.post("/imports", data=data, files=files, headers=HX)
        assert response.status_code == 200
        assert response.headers["hx-redirect"] == "/imports/imp-1"

    async def test_all_or_nothing_still_shows_the_report(
        self, officer: httpx.AsyncClient, csrf: str
    ) -> None:
        response = await upload(officer, csrf, BAD, mode="commit", atomic="all")
        assert response.headers["location"] == "/imports/imp-1"
        page = (await officer.get("/imports/imp-1")).text
        assert 'data-import-status="rejected"' in page
        assert "Chưa nhập · Chưa lưu dòng nào." in text_of(page)

    async def test_an_officer_of_one_commune_has_it_chosen(
        self, officer: httpx.AsyncClient, csrf: str, fake: FakeState
    ) -> None:
        page = (await officer.get("/imports")).text
        assert selected_option(page, "place_id") == "p-long-hoa"
        # left blank anyway: the officer's only commune is where the households live
        response = await upload(officer, csrf, GOOD, place_id="")
        assert response.status_code == 200
        [call] = [r for r in fake.requests if r["path"] == "/api/v1/imports/households"]
        assert call["query"]["place_id"] == "p-long-hoa"

    async def test_an_officer_is_offered_only_their_own_places(
        self, officer: httpx.AsyncClient, fake: FakeState
    ) -> None:
        page = (await officer.get("/imports")).text
        offered = set(re.findall(r'<option value="([^"]+)"', page.split('name="place_id"')[1]))
        below = {p["id"] for p in fake.places if p["parent_id"] == "p-long-hoa"}
        above = {p["id"] for p in fake.places if p["level"] in ("district", "province")}
        assert "p-long-hoa" in offered and below <= offered
        assert not offered & above and "p-hoa-minh" not in offered  # another commune

    async def test_an_officer_of_several_places_must_choose_one(
        self, admin: httpx.AsyncClient, fake: FakeState
    ) -> None:
        page = (await admin.get("/imports")).text
        assert selected_option(page, "place_id") is None
        data = {"csrf_token": csrf_token(page), "place_id": "", "mode": "commit"}
        files = {"file": ("danh-sach.csv", GOOD.encode(), "text/csv")}
        response = await admin.post("/imports", data=data, files=files)
        assert response.status_code == 422
        assert field_errors(response.text, "place_id") == [
            "Vui lòng chọn địa bàn của các hộ trong danh sách."
        ]
        assert fake.imports == []

    async def test_without_a_file_the_message_is_beside_the_field(
        self, officer: httpx.AsyncClient, csrf: str, fake: FakeState
    ) -> None:
        response = await officer.post(
            "/imports", data={"csrf_token": csrf, "mode": "commit", "atomic": "all"}
        )
        assert response.status_code == 422
        assert field_errors(response.text, "file") == ["Vui lòng chọn tệp cần nhập."]
        assert ticked(response.text, "mode") == ["commit"]
        assert fake.imports == []

    async def test_an_unreadable_file_gets_the_apis_vietnamese_sentence(
        self, officer: httpx.AsyncClient, csrf: str
    ) -> None:
        response = await upload(officer, csrf, "không phải bảng tính")
        assert response.status_code == 422
        assert "Tệp không phải Excel hoặc CSV." in response.text

    async def test_recent_imports_and_their_reports(
        self, officer: httpx.AsyncClient, csrf: str
    ) -> None:
        await upload(officer, csrf, BAD, mode="commit")
        page = (await officer.get("/imports")).text
        assert '<a href="/imports/imp-1">danh-sach.csv</a>' in page
        assert "Đã nhập một phần" in page
        report = (await officer.get("/imports/imp-1")).text
        assert "Dân tộc không có trong danh mục." in report

    @pytest.mark.parametrize(
        ("path", "file_name"),
        [
            ("/imports/template?format=xlsx", "mau-danh-sach-ho.xlsx"),
            ("/imports/imp-1/errors?format=csv", "loi-nhap-imp-1.csv"),
        ],
    )
    async def test_files_pass_through(
        self, officer: httpx.AsyncClient, path: str, file_name: str
    ) -> None:
        response = await officer.get(path)
        assert response.status_code == 200
        assert response.headers["content-disposition"] == f'attachment; filename="{file_name}"'

    async def test_an_unknown_format_is_a_404(self, officer: httpx.AsyncClient) -> None:
        assert (await officer.get("/imports/template?format=pdf")).status_code == 404
