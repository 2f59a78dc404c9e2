"""Reports (chart, table, CSV and Excel through the web app) and the administration pages:
places, users, agencies and their keys, policies and targets."""

import httpx
import pytest

from tests.web.fake_api import FakeState
from tests.web.web_test_helpers import field_errors, input_value, section, text_of

pytestmark = pytest.mark.anyio


def api_calls(fake: FakeState, path: str) -> list[dict]:
    return [r for r in fake.requests if r["path"] == f"/api/v1/{path}"]


class TestReports:
    async def test_the_poverty_rate_report_has_a_chart_a_table_and_downloads(
        self, officer: httpx.AsyncClient
    ) -> None:
        page = (await officer.get("/reports?report=poverty-rate&year=2025")).text
        report = section(page, "report-heading")
        assert "Hộ nghèo, hộ cận nghèo · 2025" in text_of(report)
        assert report.count('class="bar"') == 2
        rows = text_of(report.split("<tbody>")[1].split("</tbody>")[0])
        assert rows.startswith("Ấp Chợ 27 2 7,41% 2 7,41% 0")
        assert "Tổng cộng 55 5 9,09%" in text_of(report.split("<tfoot>")[1])
        assert '<a href="/reports/export?year=2025&amp;report=poverty-rate&amp;format=xlsx"' in (
            report
        )

    async def test_transitions_cover_five_years(
        self, officer: httpx.AsyncClient, fake: FakeState
    ) -> None:
        await officer.get("/reports?report=transitions&year=2026")
        assert api_calls(fake, "reports/transitions")[-1]["query"] == {
            "from_year": "2022",
            "to_year": "2026",
            "by": "year",
        }

    async def test_supports_name_categories_and_show_money(
        self, officer: httpx.AsyncClient
    ) -> None:
        page = (await officer.get("/reports?report=supports&by=category")).text
        rows = text_of(page.split("<tbody>")[1].split("</tbody>")[0])
        assert rows == "Tín dụng ưu đãi 4 5 150.000.000 ₫"

    async def test_the_early_warning_list_links_households(
        self, officer: httpx.AsyncClient
    ) -> None:
        page = (await officer.get("/reports?report=early-warning")).text
        assert "Nguy cơ cao: 1 · trung bình: 0 · thấp: 0" in page
        assert '<a href="/households/h-0002">Thạch Sô Phươl</a>' in page
        assert "Có người ốm nặng." in page

    @pytest.mark.parametrize(
        ("name", "row"),
        [
            ("progress", "Xã Long Hòa 2027 Hộ nghèo 4% 6,67% 2,67 2,67% Chậm tiến độ"),
            ("support-coverage", "Y tế 20 18 90% 40 30 75%"),
            ("needs", "Nhà ở 7 6 3"),
            ("visit-coverage", "Ấp Chợ 10 8 80% 6 60% 15"),
            ("workload", "Lâm Văn Tư Hội Liên hiệp Phụ nữ 5 2 3 9 5"),
        ],
    )
    async def test_every_report_renders_in_vietnamese(
        self, officer: httpx.AsyncClient, name: str, row: str
    ) -> None:
        page = (await officer.get(f"/reports?report={name}")).text
        assert text_of(page.split("<tbody>")[1].split("</tbody>")[0]) == row

    async def test_an_unknown_filter_value_is_not_sent(
        self, officer: httpx.AsyncClient, fake: FakeState
    ) -> None:
        await officer.get("/reports?report=poverty-rate&by=nonsense&year=abc")
        assert api_calls(fake, "reports/poverty-rate")[-1]["query"] == {}

    @pytest.mark.parametrize(
        ("fmt", "media_type"),
        [
            ("xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
            ("csv", "text/csv; charset=utf-8"),
        ],
    )
    async def test_downloads_pass_the_apis_file_through(
        self, officer: httpx.AsyncClient, fake: FakeState, fmt: str, media_type: str
    ) -> None:
        response = await officer.get(f"/reports/export?report=poverty-rate&year=2025&format={fmt}")
        assert response.status_code == 200
        assert response.headers["content-type"] == media_type
        assert response.headers["content-disposition"] == (
            f'attachment; filename="poverty-rate.{fmt}"'
        )
        assert api_calls(fake, "reports/poverty-rate")[-1]["query"] == {
            "year": "2025",
            "format": fmt,
        }

    async def test_an_unknown_export_is_a_404(self, officer: httpx.AsyncClient) -> None:
        response = await officer.get("/reports/export?report=poverty-rate&format=pdf")
        assert response.status_code == 404


class TestAdminPages:
    async def test_the_admin_menu_is_only_for_administrators(
        self, officer: httpx.AsyncClient, admin: httpx.AsyncClient
    ) -> None:
        assert 'href="/admin"' not in (await officer.get("/")).text
        assert '<a href="/admin">Quản trị</a>' in (await admin.get("/")).text

    async def test_an_officer_is_told_they_may_not(self, officer: httpx.AsyncClient) -> None:
        response = await officer.get("/admin/users")
        assert response.status_code == 403
        assert '<h1 class="notice-title">Không có quyền truy cập</h1>' in response.text

    async def test_places_tree_and_a_new_place(
        self, admin: httpx.AsyncClient, fake: FakeState
    ) -> None:
        csrf = input_value((await admin.get("/admin/places")).text, "csrf_token")
        response = await admin.post(
            "/admin/places",
            data={
                "csrf_token": csrf,
                "name": "Ấp Giữa",
                "code": "2936503",
                "level": "hamlet",
                "parent_id": "p-long-hoa",
                "area": "",
                "valid_from": "",
            },
        )
        assert response.headers["location"] == "/admin/places"
        page = (await admin.get("/admin/places")).text
        assert '<li class="depth-2"><strong>Ấp Giữa</strong>' in page

    async def test_a_new_user_is_refused_with_the_password_not_echoed(
        self, admin: httpx.AsyncClient
    ) -> None:
        csrf = input_value((await admin.get("/admin/users/new")).text, "csrf_token")
        response = await admin.post(
            "/admin/users/new",
            data={
                "csrf_token": csrf,
                "username": "Bad Name",
                "password": "bí-mật",
                "full_name": "",
                "role": "commune_officer",
                "place_ids": ["p-long-hoa"],
            },
        )
        assert response.status_code == 422
        assert field_errors(response.text, "username") == ["Không đúng định dạng."]
        assert field_errors(response.text, "full_name") == ["Vui lòng nhập thông tin này."]
        assert "bí-mật" not in response.text
        assert 'name="place_ids" value="p-long-hoa" checked' in response.text

    async def test_a_user_is_turned_off_at_its_current_version(
        self, admin: httpx.AsyncClient, fake: FakeState
    ) -> None:
        page = (await admin.get("/admin/users")).text
        csrf = input_value(page, "csrf_token")
        response = await admin.post(
            "/admin/users/u-1/active", data={"csrf_token": csrf, "is_active": "false"}
        )
        assert response.status_code == 303
        assert fake.users["an.tran"]["is_active"] is False
        [patch] = [r for r in fake.requests if r["method"] == "PATCH"]
        assert patch["headers"]["if-match"] == '"v1"'

    async def test_an_agency_key_is_shown_once(
        self, admin: httpx.AsyncClient, fake: FakeState
    ) -> None:
        page = (await admin.get("/admin/agencies/ag-1")).text
        csrf = input_value(page, "csrf_token")
        assert "Ghi nhận hỗ trợ, từng khoản hoặc theo lô" in page  # scopes in Vietnamese
        created = await admin.post(
            "/admin/agencies/ag-1/keys",
            data={
                "csrf_token": csrf,
                "name": "sync",
                "expires_on": "31/12/2027",
                "scopes": ["supports:write"],
            },
        )
        assert created.status_code == 201
        assert '<code class="secret" id="new-key">gn_abcdefgh-the-secret-key</code>' in created.text
        assert fake.keys[-1]["expires_at"] == "2027-12-31T23:59:59+07:00"
        again = (await admin.get("/admin/agencies/ag-1")).text
        assert "the-secret-key" not in again
        assert "<code>gn_abcdefgh…</code>" in again

    async def test_reloading_the_page_that_showed_a_key_makes_no_second_one(
        self, admin: httpx.AsyncClient, fake: FakeState
    ) -> None:
        page = (await admin.get("/admin/agencies/ag-1")).text
        data = {
            "csrf_token": input_value(page, "csrf_token"),
            "seen_keys": input_value(page, "seen_keys"),
            "name": "sync",
            "expires_on": "",
            "scopes": ["supports:write"],
        }
        assert (await admin.post("/admin/agencies/ag-1/keys", data=data)).status_code == 201
        made = len(fake.keys)
        resent = await admin.post("/admin/agencies/ag-1/keys", data=data)  # the reload
        assert resent.status_code == 409
        assert "Trang này đã tạo một khóa" in resent.text
        assert len(fake.keys) == made

    async def test_a_key_without_scopes_is_refused(self, admin: httpx.AsyncClient) -> None:
        csrf = input_value((await admin.get("/admin/agencies/ag-1")).text, "csrf_token")
        response = await admin.post(
            "/admin/agencies/ag-1/keys", data={"csrf_token": csrf, "name": "", "expires_on": ""}
        )
        assert response.status_code == 422
        assert field_errors(response.text, "scopes") == ["Vui lòng chọn ít nhất một mục."]

    async def test_policies_list_and_form(self, admin: httpx.AsyncClient, fake: FakeState) -> None:
        page = (await admin.get("/admin/policies")).text
        assert '<th scope="row">Thẻ bảo hiểm y tế hộ nghèo</th>' in page
        csrf = input_value(page, "csrf_token") if 'name="csrf_token"' in page else ""
        csrf = csrf or input_value((await admin.get("/admin/policies/new")).text, "csrf_token")
        response = await admin.post(
            "/admin/policies/new",
            data={
                "csrf_token": csrf,
                "agency_id": "ag-1",
                "code": "VAY-HN",
                "name": "Cho vay hộ nghèo",
                "category": "credit",
                "unit": "loan",
                "eligible_statuses": ["poor", "near_poor"],
            },
        )
        assert response.headers["location"] == "/admin/policies"
        assert fake.policies[-1]["eligible_statuses"] == ["poor", "near_poor"]

    async def test_targets_accept_a_comma_decimal(
        self, admin: httpx.AsyncClient, fake: FakeState
    ) -> None:
        csrf = input_value((await admin.get("/admin/targets")).text, "csrf_token")
        response = await admin.post(
            "/admin/targets",
            data={
                "csrf_token": csrf,
                "place_id": "p-long-hoa",
                "year": "2027",
                "kind": "poor",
                "max_rate": "4,5",
                "source_note": "",
            },
        )
        assert response.status_code == 303
        assert fake.targets[-1]["max_rate"] == 4.5
        page = (await admin.get("/admin/targets")).text
        assert '<td class="number">4,5%</td>' in page
        removed = await admin.post("/admin/targets/t-1/delete", data={"csrf_token": csrf})
        assert removed.status_code == 303 and fake.targets == []

    async def test_a_target_rate_in_words_is_refused(self, admin: httpx.AsyncClient) -> None:
        csrf = input_value((await admin.get("/admin/targets")).text, "csrf_token")
        response = await admin.post(
            "/admin/targets",
            data={"csrf_token": csrf, "place_id": "p-long-hoa", "year": "2027", "max_rate": "bốn"},
        )
        assert field_errors(response.text, "max_rate") == ["Vui lòng nhập một số."]
