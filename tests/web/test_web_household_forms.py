"""Create and edit forms: redirects, field errors beside their fields, and conflicts."""

import json

import httpx
import pytest

from tests.web.fake_api import FakeState
from tests.web.web_test_helpers import HX, field_errors, hidden_value, input_value, selected_option

pytestmark = pytest.mark.anyio


def new_household(csrf: str, **overrides: str) -> dict[str, str]:
    fields = {
        "csrf_token": csrf,
        "idempotency_key": "key-1",
        "member_rows": "1",
        "code": "LH-100",
        "place_id": "p-ap-cho",
        "head_name": "Trần Văn Bình",
        "ethnicity": "khmer",
        "address": "",
        "phone": "0987654321",
        "social_protection": "on",
        "notes": "",
        "members.0.full_name": "Trần Văn Bình",
        "members.0.relation": "head",
        "members.0.gender": "male",
        "members.0.birth_year": "1970",
        "members.0.citizen_id": "084070001234",
        "members.0.has_health_insurance": "yes",
        "members.0.can_work": "",
    }
    return fields | overrides


def api_calls(fake: FakeState, method: str, path: str) -> list[dict]:
    return [r for r in fake.requests if r["method"] == method and r["path"] == path]


class TestNewForm:
    async def test_starts_blank_with_one_member_row(self, officer: httpx.AsyncClient) -> None:
        response = await officer.get("/households/new")
        assert response.status_code == 200
        assert "<h1>Thêm hộ gia đình</h1>" in response.text
        assert hidden_value(response.text, "member_rows") == "1"
        assert len(hidden_value(response.text, "idempotency_key")) == 22
        assert input_value(response.text, "members.0.full_name") == ""
        assert '<label for="head_name">Họ tên chủ hộ <abbr class="required"' in response.text
        assert '<optgroup label="Xã Long Hòa">' in response.text

    async def test_each_render_gets_a_new_idempotency_key(self, officer: httpx.AsyncClient) -> None:
        first = hidden_value((await officer.get("/households/new")).text, "idempotency_key")
        second = hidden_value((await officer.get("/households/new")).text, "idempotency_key")
        assert first != second

    async def test_add_member_shows_another_row_without_saving(
        self, officer: httpx.AsyncClient, csrf: str, fake: FakeState
    ) -> None:
        response = await officer.post(
            "/households/new", data=new_household(csrf, action="add_member")
        )
        assert response.status_code == 200
        assert hidden_value(response.text, "member_rows") == "2"
        assert input_value(response.text, "members.0.full_name") == "Trần Văn Bình"
        assert input_value(response.text, "members.1.full_name") == ""
        assert api_calls(fake, "POST", "/api/v1/households") == []


class TestCreate:
    async def test_a_valid_form_creates_and_redirects_303_to_the_profile(
        self, officer: httpx.AsyncClient, csrf: str, fake: FakeState
    ) -> None:
        response = await officer.post("/households/new", data=new_household(csrf))
        assert response.status_code == 303
        assert response.headers["location"] == "/households/h-0004"
        [call] = api_calls(fake, "POST", "/api/v1/households")
        assert call["headers"]["idempotency-key"] == "key-1"
        created = fake.households["h-0004"]
        assert {
            k: created[k]
            for k in (
                "code",
                "place_id",
                "head_name",
                "ethnicity",
                "address",
                "phone",
                "meritorious_service",
                "social_protection",
                "notes",
            )
        } == {
            "code": "LH-100",
            "place_id": "p-ap-cho",
            "head_name": "Trần Văn Bình",
            "ethnicity": "khmer",
            "address": None,
            "phone": "0987654321",
            "meritorious_service": False,
            "social_protection": True,
            "notes": None,
        }
        assert created["members"] == [
            {
                "id": "h-0004-m1",
                "full_name": "Trần Văn Bình",
                "gender": "male",
                "relation": "head",
                "birth_year": 1970,
                "citizen_id": "084070001234",
                "has_health_insurance": True,
            }
        ]

    async def test_with_htmx_it_answers_hx_redirect(
        self, officer: httpx.AsyncClient, csrf: str
    ) -> None:
        form = new_household(csrf)
        del form["csrf_token"]
        response = await officer.post(
            "/households/new", data=form, headers={**HX, "X-CSRF-Token": csrf}
        )
        assert response.status_code == 200
        assert response.headers["hx-redirect"] == "/households/h-0004"
        assert "location" not in response.headers

    async def test_an_empty_place_is_caught_before_asking_the_api(
        self, officer: httpx.AsyncClient, csrf: str, fake: FakeState
    ) -> None:
        response = await officer.post("/households/new", data=new_household(csrf, place_id=""))
        assert response.status_code == 422
        assert field_errors(response.text, "place_id") == [
            "Vui lòng chọn địa bàn nơi hộ sinh sống."
        ]
        assert input_value(response.text, "head_name") == "Trần Văn Bình"
        assert api_calls(fake, "POST", "/api/v1/households") == []

    async def test_an_invalid_form_comes_back_with_vietnamese_errors_beside_the_fields(
        self, officer: httpx.AsyncClient, csrf: str
    ) -> None:
        response = await officer.post(
            "/households/new",
            data=new_household(csrf, head_name="  ", **{"members.0.citizen_id": "12345"}),
        )
        assert response.status_code == 422
        assert response.text.startswith("<!doctype html>")
        # The API said it in English with a code; the web words the code in Vietnamese.
        assert field_errors(response.text, "head_name") == ["Vui lòng nhập thông tin này."]
        assert "String should have at least 1 character" not in response.text
        assert field_errors(response.text, "members-0-citizen_id") == [
            "Số định danh phải gồm đúng 12 chữ số."
        ]
        assert field_errors(response.text, "code") == []
        assert (
            'name="members.0.citizen_id" value="12345" autocomplete="off" inputmode="numeric"'
            ' aria-describedby="members-0-citizen_id-hint members-0-citizen_id-error"'
            ' aria-invalid="true">'
        ) in response.text
        assert "Vui lòng sửa các ô được đánh dấu bên dưới." in response.text

    async def test_an_invalid_form_keeps_everything_the_officer_typed(
        self, officer: httpx.AsyncClient, csrf: str
    ) -> None:
        response = await officer.post(
            "/households/new",
            data=new_household(csrf, head_name="", **{"members.0.citizen_id": "12345"}),
        )
        page = response.text
        assert input_value(page, "code") == "LH-100"
        assert input_value(page, "phone") == "0987654321"
        assert input_value(page, "members.0.full_name") == "Trần Văn Bình"
        assert input_value(page, "members.0.birth_year") == "1970"
        assert selected_option(page, "place_id") == "p-ap-cho"
        assert selected_option(page, "ethnicity") == "khmer"
        assert selected_option(page, "members.0.relation") == "head"
        assert selected_option(page, "members.0.has_health_insurance") == "yes"
        assert selected_option(page, "members.0.can_work") is None
        assert 'name="social_protection" value="on" checked' in page
        assert 'name="meritorious_service" value="on">' in page

    async def test_with_htmx_an_invalid_form_is_the_form_fragment(
        self, officer: httpx.AsyncClient, csrf: str
    ) -> None:
        response = await officer.post(
            "/households/new", data=new_household(csrf, code=""), headers=HX
        )
        assert response.status_code == 422
        assert response.text.startswith('<form id="household-form"')
        assert field_errors(response.text, "code") == ["Vui lòng nhập thông tin này."]
        assert response.headers["vary"] == "HX-Request"

    async def test_blank_member_rows_are_dropped_so_errors_land_on_the_right_row(
        self, officer: httpx.AsyncClient, csrf: str
    ) -> None:
        form = new_household(
            csrf,
            member_rows="2",
            **{
                "members.0.full_name": "",
                "members.0.relation": "",
                "members.0.gender": "",
                "members.0.birth_year": "",
                "members.0.citizen_id": "",
                "members.0.has_health_insurance": "",
                "members.1.full_name": "Lê Thị Cúc",
                "members.1.relation": "spouse",
                "members.1.gender": "female",
                "members.1.birth_year": "abc",
            },
        )
        response = await officer.post("/households/new", data=form)
        assert response.status_code == 422
        assert hidden_value(response.text, "member_rows") == "1"
        assert input_value(response.text, "members.0.full_name") == "Lê Thị Cúc"
        assert field_errors(response.text, "members-0-birth_year") == [
            "Vui lòng nhập một số nguyên."
        ]

    async def test_in_english_the_messages_are_english(
        self, officer: httpx.AsyncClient, csrf: str
    ) -> None:
        await officer.get("/lang/en")
        form = new_household(csrf, code="", **{"members.0.citizen_id": "1"})
        response = await officer.post("/households/new", data=form)
        assert field_errors(response.text, "code") == ["Please fill in this field."]
        assert field_errors(response.text, "members-0-citizen_id") == [
            "The citizen ID must be exactly 12 digits."
        ]
        assert "Please correct the fields marked below." in response.text

    async def test_the_api_going_down_keeps_the_input_and_says_so(
        self, officer: httpx.AsyncClient, csrf: str, fake: FakeState
    ) -> None:
        fake.down = True
        response = await officer.post("/households/new", data=new_household(csrf))
        assert response.status_code == 503
        assert "<li>Hiện không kết nối được với máy chủ dữ liệu." in response.text
        assert input_value(response.text, "head_name") == "Trần Văn Bình"
        assert selected_option(response.text, "place_id") == "p-ap-cho"


class TestEdit:
    async def test_the_form_shows_the_current_values_and_version(
        self, officer: httpx.AsyncClient
    ) -> None:
        response = await officer.get("/households/h-0001/edit")
        assert response.status_code == 200
        assert "<h1>Sửa thông tin hộ</h1>" in response.text
        assert hidden_value(response.text, "etag") == '"v1"'
        assert input_value(response.text, "head_name") == "Nguyễn Văn A"
        assert input_value(response.text, "address") == "Số 12, Ấp Chợ"
        assert selected_option(response.text, "place_id") == "p-ap-cho"
        assert 'name="meritorious_service" value="on" checked' in response.text
        assert 'name="member_rows"' not in response.text
        assert (
            '<form id="household-form" class="household-form" method="post" '
            'action="/households/h-0001/edit"' in response.text
        )

    async def test_saving_patches_with_if_match_and_redirects_303(
        self, officer: httpx.AsyncClient, csrf: str, fake: FakeState
    ) -> None:
        edit_page = (await officer.get("/households/h-0001/edit")).text
        response = await officer.post(
            "/households/h-0001/edit",
            data={
                "csrf_token": csrf,
                "etag": hidden_value(edit_page, "etag"),
                "code": "LH-001",
                "place_id": "p-ap-moi",
                "head_name": "Nguyễn Văn A",
                "ethnicity": "kinh",
                "address": "",
                "phone": "0912345678",
                "notes": "Đã xác minh",
                "meritorious_service": "on",
            },
        )
        assert response.status_code == 303
        assert response.headers["location"] == "/households/h-0001"
        [call] = api_calls(fake, "PATCH", "/api/v1/households/h-0001")
        assert call["headers"]["if-match"] == '"v1"'
        household = fake.households["h-0001"]
        assert (household["place_id"], household["address"], household["notes"]) == (
            "p-ap-moi",
            None,
            "Đã xác minh",
        )
        assert (household["meritorious_service"], household["social_protection"]) == (True, False)
        assert fake.versions["h-0001"] == 2

    async def test_a_masked_phone_sent_back_unchanged_keeps_the_stored_one(
        self, officer: httpx.AsyncClient, csrf: str, fake: FakeState
    ) -> None:
        fake.households["h-0001"]["phone"] = "091****678"  # as the API shows it
        edit_page = (await officer.get("/households/h-0001/edit")).text
        assert input_value(edit_page, "phone") == "091****678"
        response = await officer.post(
            "/households/h-0001/edit",
            data={
                "csrf_token": csrf,
                "etag": hidden_value(edit_page, "etag"),
                "code": "LH-001",
                "place_id": "p-ap-cho",
                "head_name": "Nguyễn Văn A",
                "ethnicity": "kinh",
                "phone": "091****678",
            },
        )
        # the fake refuses a masked number as the API does: a 303 means it was not sent
        assert response.status_code == 303
        assert fake.households["h-0001"]["phone"] == "091****678"
        assert fake.versions["h-0001"] == 2

    async def test_a_change_by_someone_else_shows_the_current_values(
        self, officer: httpx.AsyncClient, csrf: str, fake: FakeState
    ) -> None:
        etag = hidden_value((await officer.get("/households/h-0001/edit")).text, "etag")
        fake.households["h-0001"]["phone"] = "0900000000"  # another officer saves first
        fake.versions["h-0001"] += 1
        response = await officer.post(
            "/households/h-0001/edit",
            data={
                "csrf_token": csrf,
                "etag": etag,
                "code": "LH-001",
                "place_id": "p-ap-cho",
                "head_name": "Nguyễn Văn An",
                "ethnicity": "kinh",
                "phone": "0911111111",
            },
        )
        assert response.status_code == 409
        assert (
            "<p><strong>Người khác vừa thay đổi thông tin hộ này; "
            "dưới đây là các giá trị hiện tại.</strong></p>"
        ) in response.text
        assert input_value(response.text, "phone") == "0900000000"
        assert input_value(response.text, "head_name") == "Nguyễn Văn A"
        assert hidden_value(response.text, "etag") == '"v2"'
        assert fake.households["h-0001"]["head_name"] == "Nguyễn Văn A"

    async def test_with_htmx_the_conflict_replaces_the_form(
        self, officer: httpx.AsyncClient, csrf: str, fake: FakeState
    ) -> None:
        fake.versions["h-0001"] += 1
        response = await officer.post(
            "/households/h-0001/edit",
            headers=HX,
            data={
                "csrf_token": csrf,
                "etag": '"v1"',
                "code": "LH-001",
                "place_id": "p-ap-cho",
                "head_name": "Nguyễn Văn A",
                "ethnicity": "kinh",
            },
        )
        assert response.status_code == 409
        assert response.text.startswith('<form id="household-form"')
        assert '<div class="notice warning" role="alert">' in response.text

    async def test_an_invalid_edit_keeps_the_input_and_the_version(
        self, officer: httpx.AsyncClient, csrf: str, fake: FakeState
    ) -> None:
        response = await officer.post(
            "/households/h-0001/edit",
            data={
                "csrf_token": csrf,
                "etag": '"v1"',
                "code": "LH-002",
                "place_id": "p-ap-cho",
                "head_name": "Nguyễn Văn A",
                "ethnicity": "kinh",
            },
        )
        assert response.status_code == 422
        assert field_errors(response.text, "code") == ["Mã hộ đã tồn tại."]
        assert input_value(response.text, "code") == "LH-002"
        assert hidden_value(response.text, "etag") == '"v1"'
        assert fake.versions["h-0001"] == 1

    async def test_an_unknown_household_is_a_404_page(self, officer: httpx.AsyncClient) -> None:
        response = await officer.get("/households/no-such-id/edit")
        assert response.status_code == 404
        assert '<h1 class="notice-title">Không tìm thấy trang</h1>' in response.text


def test_new_household_fixture_is_json_friendly() -> None:
    assert json.loads(json.dumps(new_household("t")))["code"] == "LH-100"
