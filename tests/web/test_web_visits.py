"""Recording a visit (and registering oneself as a visitor), and the worklist of visits due."""

import httpx
import pytest

from tests.web.fake_api import FakeState
from tests.web.web_test_helpers import (
    HX,
    field_errors,
    hidden_value,
    input_value,
    selected_option,
    text_of,
    ticked,
)
from web.screens import today

pytestmark = pytest.mark.anyio
FORM = "/households/h-0001/visits/new"


def visit(csrf: str, **overrides: str | list[str]) -> dict[str, str | list[str]]:
    fields: dict[str, str | list[str]] = {
        "csrf_token": csrf,
        "idempotency_key": "visit-key",
        "visitor_id": "per-1",
        "visited_on": "27/11/2026",
        "purpose": "re_poverty_check",
        "living_conditions": "Mái nhà dột",
        "income_change": "decreased",
        "shocks": ["illness", "fire"],
        "shock_details": "",
        "household_plan": "Trồng rau",
        "risk_rating": "high",
        "need_ids": ["need-1"],
        "next_visit_on": "",
        "notes": "",
    }
    return fields | overrides


class TestForm:
    async def test_offers_the_people_of_the_commune_and_the_open_needs(
        self, officer: httpx.AsyncClient
    ) -> None:
        page = (await officer.get(FORM)).text
        assert "<h1>Ghi nhận thăm hộ</h1>" in page
        assert '<option value="per-1">Lâm Văn Tư · Hội Liên hiệp Phụ nữ</option>' in page
        assert input_value(page, "visited_on") == today().isoformat()
        assert selected_option(page, "purpose") == "follow_up"
        assert ticked(page, "income_change") == ["unknown"]
        assert 'value="need-1"' in page and "Y tế (HE2)" in page

    async def test_an_officer_without_a_person_record_may_register(
        self, officer: httpx.AsyncClient, csrf: str, fake: FakeState
    ) -> None:
        page = (await officer.get(FORM)).text
        assert "Bạn chưa được đăng ký là người thăm hỏi, giúp đỡ hộ." in page
        assert hidden_value(page, "next") == FORM
        response = await officer.post("/people/me", data={"csrf_token": csrf, "next": FORM})
        assert response.status_code == 303
        assert response.headers["location"] == FORM
        me = fake.persons[-1]
        assert (me["full_name"], me["user_id"], me["organisation"], me["place_id"]) == (
            "Trần Thị An",
            "u-1",
            "commune_staff",
            "p-long-hoa",
        )
        page = (await officer.get(FORM)).text
        assert selected_option(page, "visitor_id") == me["id"]
        assert "Bạn chưa được đăng ký" not in page

    async def test_registering_twice_just_goes_back(
        self, officer: httpx.AsyncClient, csrf: str, fake: FakeState
    ) -> None:
        await officer.post("/people/me", data={"csrf_token": csrf, "next": FORM})
        again = await officer.post("/people/me", data={"csrf_token": csrf, "next": FORM})
        assert (again.status_code, again.headers["location"]) == (303, FORM)
        assert [p["user_id"] for p in fake.persons] == [None, "u-1"]


class TestRecord:
    async def test_saves_and_returns_to_the_profile_with_a_notice(
        self, officer: httpx.AsyncClient, csrf: str, fake: FakeState
    ) -> None:
        response = await officer.post(FORM, data=visit(csrf))
        assert response.status_code == 303
        assert response.headers["location"] == "/households/h-0001?saved=visit#visits"
        sent = fake.visits[-1]
        assert {k: sent[k] for k in ("visited_on", "purpose", "shocks", "need_ids")} == {
            "visited_on": "2026-11-27",
            "purpose": "re_poverty_check",
            "shocks": ["illness", "fire"],
            "need_ids": ["need-1"],
        }
        assert "next_visit_on" not in sent  # blank: the schedule decides
        page = (await officer.get(response.headers["location"])).text
        assert '<p class="notice success" role="status">Đã lưu chuyến thăm hộ.</p>' in page
        assert "Mái nhà dột" in page

    async def test_with_htmx_it_answers_hx_redirect(
        self, officer: httpx.AsyncClient, csrf: str
    ) -> None:
        response = await officer.post(FORM, data=visit(csrf), headers=HX)
        assert response.headers["hx-redirect"] == "/households/h-0001?saved=visit#visits"

    async def test_a_refusal_keeps_everything_typed(
        self, officer: httpx.AsyncClient, csrf: str
    ) -> None:
        response = await officer.post(
            FORM, data=visit(csrf, visitor_id="", visited_on="01/01/2099", purpose="")
        )
        assert response.status_code == 422
        page = response.text
        assert field_errors(page, "visitor_id") == ["Vui lòng nhập thông tin này."]
        assert field_errors(page, "purpose") == ["Vui lòng nhập thông tin này."]
        assert field_errors(page, "visited_on") == ["Ngày này không được sau hôm nay."]
        assert ticked(page, "shocks") == ["illness", "fire"]
        assert ticked(page, "need_ids") == ["need-1"]
        assert ">Trồng rau</textarea>" in page
        assert hidden_value(page, "idempotency_key") not in ("visit-key", "")

    async def test_the_api_down_keeps_the_form(
        self, officer: httpx.AsyncClient, csrf: str, fake: FakeState
    ) -> None:
        fake.down = True
        response = await officer.post(FORM, data=visit(csrf))
        assert response.status_code == 503
        assert "Hiện không kết nối được với máy chủ dữ liệu" in response.text
        assert ">Mái nhà dột</textarea>" in response.text
        assert ticked(response.text, "shocks") == ["illness", "fire"]
        assert hidden_value(response.text, "idempotency_key") == "visit-key"


class TestWorklist:
    async def test_most_overdue_first_with_the_counts(self, officer: httpx.AsyncClient) -> None:
        page = (await officer.get("/worklist")).text
        assert "<h1>Lịch thăm hộ</h1>" in page
        summary = text_of(page.split('class="summary-line"')[1].split("</p>")[0])
        assert summary.endswith("2 hộ đến hạn thăm · 1 hộ quá hạn")
        cards = page.split('class="household-card')[1:]
        assert "Thạch Sô Phươl" in cards[0] and "quá hạn 3 ngày" in text_of(cards[0])
        assert "Nguyễn Văn A" in cards[1] and "Hạn thăm 30/11/2026" in text_of(cards[1])
        assert 'href="/households/h-0002/visits/new"' in cards[0]

    async def test_mine_needs_a_person_record(self, officer: httpx.AsyncClient) -> None:
        page = (await officer.get("/worklist?scope=mine")).text
        assert "Bạn chưa được đăng ký là người phụ trách" in page

    async def test_htmx_gets_only_the_results(self, officer: httpx.AsyncClient) -> None:
        response = await officer.get("/worklist?scope=nobody", headers=HX)
        assert response.headers["vary"] == "HX-Request"
        assert "<html" not in response.text
        assert "summary-line" in response.text

    async def test_overdue_only(self, officer: httpx.AsyncClient) -> None:
        page = (await officer.get("/worklist?within_days=0")).text
        assert "Thạch Sô Phươl" in page and "Nguyễn Văn A" not in page.split("summary-line")[1]
