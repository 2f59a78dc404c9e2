"""Recording a support; adding and editing members (with a conflict); the person in charge
and the people who help households."""

import httpx
import pytest

from tests.web.fake_api import FakeState
from tests.web.web_test_helpers import (
    field_errors,
    hidden_value,
    input_value,
    selected_option,
    text_of,
)

pytestmark = pytest.mark.anyio
SUPPORT_FORM = "/households/h-0001/supports/new"


def support(csrf: str, **overrides: str) -> dict[str, str]:
    fields = {
        "csrf_token": csrf,
        "idempotency_key": "support-key",
        "policy_id": "pol-1",
        "delivered_on": "20/11/2026",
        "status": "delivered",
        "amount_vnd": "",
        "quantity": "1",
        "funding_source": "",
        "need_id": "need-1",
        "note": "",
    }
    return fields | overrides


class TestSupport:
    async def test_the_form_offers_active_policies_and_preselects_the_need(
        self, officer: httpx.AsyncClient
    ) -> None:
        page = (await officer.get(f"{SUPPORT_FORM}?need_id=need-1")).text
        assert '<option value="pol-1">Thẻ bảo hiểm y tế hộ nghèo · Y tế</option>' in page
        assert selected_option(page, "need_id") == "need-1"
        assert selected_option(page, "status") == "delivered"
        assert "Tính bằng đồng, ví dụ 1.500.000" in page

    async def test_saves_money_typed_with_dots(
        self, officer: httpx.AsyncClient, csrf: str, fake: FakeState
    ) -> None:
        response = await officer.post(
            SUPPORT_FORM, data=support(csrf, amount_vnd="1.500.000 ₫", quantity="")
        )
        assert response.status_code == 303
        assert response.headers["location"] == "/households/h-0001?saved=support#supports"
        saved = fake.supports[-1]
        assert (saved["amount_vnd"], saved["delivered_on"], saved["need_id"]) == (
            1_500_000,
            "2026-11-20",
            "need-1",
        )
        assert "quantity" not in saved or saved["quantity"] is None
        page = (await officer.get("/households/h-0001")).text
        supports = text_of(page.split('id="supports-heading"')[1].split("</section>")[0])
        assert "20/11/2026 Thẻ bảo hiểm y tế hộ nghèo 1.500.000 ₫ Ngân sách nhà nước Đã trao" in (
            supports
        )

    async def test_without_amount_or_quantity_the_rule_is_said_above_the_form(
        self, officer: httpx.AsyncClient, csrf: str
    ) -> None:
        response = await officer.post(SUPPORT_FORM, data=support(csrf, quantity="", policy_id=""))
        assert response.status_code == 422
        assert "Vui lòng chọn chính sách hỗ trợ." in response.text
        assert "Hãy nhập số tiền, số lượng hoặc cả hai." in response.text
        assert selected_option(response.text, "need_id") == "need-1"

    async def test_an_amount_that_is_not_a_number_is_said_beside_it(
        self, officer: httpx.AsyncClient, csrf: str
    ) -> None:
        response = await officer.post(SUPPORT_FORM, data=support(csrf, amount_vnd="một triệu"))
        assert field_errors(response.text, "amount_vnd") == ["Vui lòng nhập một số nguyên."]
        assert input_value(response.text, "amount_vnd") == "một triệu"


def member(csrf: str, **overrides: str) -> dict[str, str]:
    fields = {
        "csrf_token": csrf,
        "idempotency_key": "member-key",
        "full_name": "Nguyễn Thị Hoa",
        "relation": "child",
        "gender": "female",
        "birth_year": "2010",
        "citizen_id": "",
        "education_level": "lower_secondary",
        "in_school": "yes",
        "has_health_insurance": "yes",
        "can_work": "no",
        "disability": "",
    }
    return fields | overrides


class TestMembers:
    async def test_adds_a_member(
        self, officer: httpx.AsyncClient, csrf: str, fake: FakeState
    ) -> None:
        response = await officer.post("/households/h-0001/members/new", data=member(csrf))
        assert response.headers["location"] == "/households/h-0001?saved=member#members"
        added = fake.households["h-0001"]["members"][-1]
        assert (added["full_name"], added["birth_year"], added["in_school"]) == (
            "Nguyễn Thị Hoa",
            2010,
            True,
        )
        assert "disability" not in added

    async def test_a_bad_citizen_id_is_said_beside_it(
        self, officer: httpx.AsyncClient, csrf: str
    ) -> None:
        response = await officer.post(
            "/households/h-0001/members/new", data=member(csrf, citizen_id="123", full_name="")
        )
        assert response.status_code == 422
        assert field_errors(response.text, "citizen_id") == [
            "Số định danh cá nhân phải gồm 12 chữ số, khớp với năm sinh và giới tính."
        ]
        assert field_errors(response.text, "full_name") == ["Vui lòng nhập thông tin này."]
        assert input_value(response.text, "citizen_id") == "123"

    async def test_the_edit_form_never_shows_the_masked_citizen_id(
        self, officer: httpx.AsyncClient
    ) -> None:
        page = (await officer.get("/households/h-0001/members/h-0001-m1/edit")).text
        assert input_value(page, "full_name") == "Nguyễn Văn A"
        assert input_value(page, "citizen_id") == ""
        assert hidden_value(page, "etag") == '"v1"'
        assert "12 chữ số; để trống để giữ số đã ghi" in page

    async def test_an_edit_keeps_the_stored_citizen_id(
        self, officer: httpx.AsyncClient, csrf: str, fake: FakeState
    ) -> None:
        response = await officer.post(
            "/households/h-0001/members/h-0001-m1/edit",
            data=member(csrf, etag='"v1"', full_name="Nguyễn Văn An", relation="head"),
        )
        assert response.status_code == 303
        stored = fake.households["h-0001"]["members"][0]
        assert (stored["full_name"], stored["citizen_id"]) == ("Nguyễn Văn An", "********1234")

    async def test_someone_elses_change_shows_the_current_values(
        self, officer: httpx.AsyncClient, csrf: str, fake: FakeState
    ) -> None:
        fake.member_versions["h-0001-m1"] = 2  # saved by someone else meanwhile
        response = await officer.post(
            "/households/h-0001/members/h-0001-m1/edit",
            data=member(csrf, etag='"v1"', full_name="Tên của tôi"),
        )
        assert response.status_code == 409
        assert "Người khác vừa thay đổi thông tin thành viên này" in response.text
        assert input_value(response.text, "full_name") == "Nguyễn Văn A"
        assert hidden_value(response.text, "etag") == '"v2"'


class TestPersonInCharge:
    async def test_assigns_and_shows_it_on_the_profile(
        self, officer: httpx.AsyncClient, csrf: str
    ) -> None:
        form = (await officer.get("/households/h-0001/person-in-charge")).text
        assert "Hộ này chưa có người phụ trách." in form
        response = await officer.post(
            "/households/h-0001/person-in-charge",
            data={
                "csrf_token": csrf,
                "person_id": "per-1",
                "start_date": "2026-11-01",
                "reason": "Phân công mới",
            },
        )
        assert response.headers["location"] == "/households/h-0001?saved=assignment#in-charge"
        profile = (await officer.get("/households/h-0001")).text
        in_charge = text_of(profile.split('id="in-charge-heading"')[1].split("</section>")[0])
        assert "Lâm Văn Tư · Hội Liên hiệp Phụ nữ · từ 01/11/2026" in in_charge

    async def test_the_reason_is_required(self, officer: httpx.AsyncClient, csrf: str) -> None:
        response = await officer.post(
            "/households/h-0002/person-in-charge",
            data={"csrf_token": csrf, "person_id": "per-1", "start_date": "2026-11-01"},
        )
        assert field_errors(response.text, "reason") == ["Vui lòng nhập thông tin này."]

    async def test_the_same_person_again_is_refused_beside_the_field(
        self, officer: httpx.AsyncClient, csrf: str
    ) -> None:
        response = await officer.post(
            "/households/h-0002/person-in-charge",
            data={
                "csrf_token": csrf,
                "person_id": "per-1",
                "start_date": "2026-11-01",
                "reason": "x",
            },
        )
        assert response.status_code == 422
        assert field_errors(response.text, "person_id") == ["Người này đang phụ trách hộ này."]


class TestPeople:
    async def test_lists_and_adds_people(
        self, officer: httpx.AsyncClient, csrf: str, fake: FakeState
    ) -> None:
        page = (await officer.get("/people")).text
        assert '<th scope="row">Lâm Văn Tư</th>' in page
        response = await officer.post(
            "/people/new",
            data={
                "csrf_token": csrf,
                "full_name": "Sơn Thị Mai",
                "organisation": "farmers_union",
                "place_id": "p-ap-cho",
                "position": "",
                "phone": "",
                "notes": "",
            },
        )
        assert response.headers["location"] == "/people"
        assert fake.persons[-1]["full_name"] == "Sơn Thị Mai"

    async def test_a_person_without_a_name_or_place_is_refused(
        self, officer: httpx.AsyncClient, csrf: str
    ) -> None:
        response = await officer.post(
            "/people/new", data={"csrf_token": csrf, "full_name": "", "organisation": "party_cell"}
        )
        assert response.status_code == 422
        assert field_errors(response.text, "place_id") == ["Vui lòng nhập thông tin này."]
        assert selected_option(response.text, "organisation") == "party_cell"
