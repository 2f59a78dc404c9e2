"""The household profile and the error pages around it."""

import re

import httpx
import pytest

from tests.web.fake_api import CRASHING_ID, FakeState
from tests.web.web_test_helpers import section, text_of

pytestmark = pytest.mark.anyio


def facts(page: str) -> dict[str, str]:
    return dict(re.findall(r"<dt>([^<]*)</dt><dd>([^<]*)</dd>", page))


def member_rows(page: str) -> list[list[str]]:
    body = page.split("<tbody>")[1].split("</tbody>")[0]
    return [re.findall(r"<t[hd][^>]*>([^<]*)</t[hd]>", row) for row in body.split("</tr>")[:-1]]


class TestProfile:
    async def test_shows_the_household_in_vietnamese(self, officer: httpx.AsyncClient) -> None:
        response = await officer.get("/households/h-0001")
        assert response.status_code == 200
        assert '<h1>Nguyễn Văn A <span class="code">LH-001</span></h1>' in response.text
        assert '<span class="status status-poor">Hộ nghèo</span>' in response.text
        assert facts(response.text) == {
            "Mã hộ": "LH-001",
            "Chủ hộ": "Nguyễn Văn A",
            "Địa bàn": "Ấp Chợ",
            "Xã": "Xã Long Hòa",
            "Dân tộc": "Kinh",
            "Địa chỉ": "Số 12, Ấp Chợ",
            "Số điện thoại": "0912345678",
            "Người có công": "Có",
            "Bảo trợ xã hội": "Không",
            "Ghi chú": "—",
            "Cập nhật lần cuối": "01/03/2026 09:30",
        }

    async def test_lists_the_members_with_masked_citizen_ids(
        self, officer: httpx.AsyncClient
    ) -> None:
        response = await officer.get("/households/h-0001")
        assert '<h2 id="members-heading">Thành viên (2)</h2>' in response.text
        assert member_rows(response.text) == [
            ["Nguyễn Văn A", "Chủ hộ", "Nam", "1975", "********1234", "Có", "Có"],
            ["Lê Thị Bé", "Vợ/chồng", "Nữ", "1980", "********5678", "Chưa rõ", "Không"],
        ]

    async def test_links_to_the_edit_form(self, officer: httpx.AsyncClient) -> None:
        response = await officer.get("/households/h-0001")
        assert (
            '<a class="button secondary" href="/households/h-0001/edit">Sửa thông tin hộ</a>'
        ) in response.text

    async def test_a_household_without_members_says_so(self, officer: httpx.AsyncClient) -> None:
        response = await officer.get("/households/h-0002")
        assert '<p class="empty">Chưa có thành viên nào được ghi nhận.</p>' in response.text

    async def test_asks_the_api_once_for_the_households_records(
        self, officer: httpx.AsyncClient, fake: FakeState
    ) -> None:
        await officer.get("/households/h-0001")  # the reference lists are cached from here on
        fake.requests.clear()
        response = await officer.get("/households/h-0002")
        assert response.status_code == 200
        # No list of places either: the profile names its own.
        assert [r["path"] for r in fake.requests] == ["/api/v1/households/h-0002/profile"]


class TestErrorPages:
    async def test_an_unknown_household_is_a_404_page(self, officer: httpx.AsyncClient) -> None:
        response = await officer.get("/households/no-such-id")
        assert response.status_code == 404
        assert '<h1 class="notice-title">Không tìm thấy trang</h1>' in response.text
        assert '<a href="/">Về trang chủ</a>' in response.text

    async def test_an_unknown_web_page_is_the_same_404_page(
        self, officer: httpx.AsyncClient
    ) -> None:
        response = await officer.get("/no/such/page")
        assert response.status_code == 404
        assert '<h1 class="notice-title">Không tìm thấy trang</h1>' in response.text

    async def test_the_api_being_down_is_a_503_page_in_vietnamese(
        self, officer: httpx.AsyncClient, fake: FakeState
    ) -> None:
        fake.down = True
        response = await officer.get("/households/h-0001")
        assert response.status_code == 503
        assert (
            '<h1 class="notice-title">Không kết nối được với máy chủ dữ liệu</h1>' in response.text
        )
        assert (
            "<p>Hiện không kết nối được với máy chủ dữ liệu. Dữ liệu của bạn vẫn an toàn; "
            "vui lòng thử lại sau ít phút.</p>"
        ) in response.text
        assert '<a href="/households/h-0001">Thử lại</a>' in response.text
        assert "Traceback" not in response.text

    async def test_an_api_crash_is_a_502_page_without_details(
        self, officer: httpx.AsyncClient
    ) -> None:
        response = await officer.get(f"/households/{CRASHING_ID}")
        assert response.status_code == 502
        assert '<h1 class="notice-title">Máy chủ dữ liệu báo lỗi</h1>' in response.text
        assert "RuntimeError" not in response.text


class TestWording:
    async def test_a_visits_shock_details_are_shown(
        self, officer: httpx.AsyncClient, fake: FakeState
    ) -> None:
        fake.visits[0]["shock_details"] = "Chồng nằm viện hai tuần."
        page = (await officer.get("/households/h-0001")).text
        visits = text_of(section(page, "visits-heading"))
        assert "Chi tiết biến cố: Chồng nằm viện hai tuần." in visits

    async def test_a_supports_status_is_its_state_not_a_classification(
        self, officer: httpx.AsyncClient
    ) -> None:
        form = (await officer.get("/households/h-0001/supports/new")).text
        assert '<label for="status">Trạng thái' in form
        search = (await officer.get("/households")).text
        assert '<label for="status">Phân loại</label>' in search
