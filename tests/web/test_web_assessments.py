"""The annual-review form, its live classification preview, and the review's steps."""

import re

import httpx
import pytest

from tests.web.fake_api import FakeState
from tests.web.fake_api_field import vietnam_today
from tests.web.web_test_helpers import (
    HX,
    field_errors,
    hidden_value,
    input_value,
    section,
    selected_option,
    text_of,
    ticked,
)

pytestmark = pytest.mark.anyio
FORM = "/households/h-0001/assessments/new"
PREVIEW = "/households/h-0001/assessments/preview"


def answers(csrf: str, **overrides: str | list[str]) -> dict[str, str | list[str]]:
    fields: dict[str, str | list[str]] = {
        "csrf_token": csrf,
        "idempotency_key": "review-key",
        "year": "2026",
        "area": "rural",
        "kind": "periodic",
        "income_per_capita": "1.200.000",
        "deprivations": ["HE2", "HO1", "HO2"],
        "b1_score": "",
        "b2_score": "",
        "survey_date": "28/11/2026",
        "able_to_work_count": "",
        "notes": "",
    }
    return fields | overrides


def preview_class(fragment: str) -> str:
    match = re.search(r'data-classification="([^"]*)"', fragment)
    assert match is not None
    return match.group(1)


class TestForm:
    async def test_every_year_with_a_standard_is_offered_and_the_asked_one_chosen(
        self, officer: httpx.AsyncClient
    ) -> None:
        page = (await officer.get(f"{FORM}?year=2023")).text
        assert selected_option(page, "year") == "2023"
        select = page.split('<select id="review-year" name="year">')[1].split("</select>")[0]
        offered = re.findall(r'<option value="(\d{4})"', select)
        this_year = vietnam_today().year
        assert offered == [str(y) for y in range(min(this_year, 2026), 2021, -1)]

    async def test_lists_the_years_indicators_by_dimension(
        self, officer: httpx.AsyncClient
    ) -> None:
        page = (await officer.get(FORM)).text
        assert "<h1>Rà soát hộ Nguyễn Văn A</h1>" in page
        assert "Chuẩn áp dụng: Chuẩn nghèo đa chiều giai đoạn 2022-2025" in page
        assert "<legend>Y tế</legend>" in page and "<legend>Nhà ở</legend>" in page
        assert (
            '<input type="checkbox" id="deprivation-HE2" name="deprivations" value="HE2"'
            ' aria-describedby="deprivation-HE2-hint">'
        ) in page
        assert '<p class="hint" id="deprivation-HE2-hint">Điều kiện HE2.</p>' in page
        assert hidden_value(page, "year") == "2026"
        assert hidden_value(page, "area") == "rural"
        assert input_value(page, "survey_date") == "2026-11-28" or input_value(page, "survey_date")

    async def test_the_preview_is_wired_to_post_as_the_officer_types(
        self, officer: httpx.AsyncClient
    ) -> None:
        page = (await officer.get(FORM)).text
        assert f'hx-post="{PREVIEW}" hx-include="closest form"' in page
        assert 'hx-trigger="input delay:350ms" hx-target="#classification-preview"' in page
        # before any answer, the API's reason for not classifying, in Vietnamese
        preview = page.split('id="classification-preview"')[1]
        assert "Hãy nhập thu nhập bình quân đầu người hoặc điểm B1." in preview


class TestPreview:
    async def test_changes_class_as_the_income_crosses_the_line(
        self, officer: httpx.AsyncClient, csrf: str, fake: FakeState
    ) -> None:
        below = await officer.post(
            PREVIEW, data=answers(csrf, income_per_capita="1.500.000"), headers=HX
        )
        above = await officer.post(
            PREVIEW, data=answers(csrf, income_per_capita="1.500.001"), headers=HX
        )
        assert preview_class(below.text) == "poor"
        assert preview_class(above.text) == "average"
        assert '<span class="status status-poor">Hộ nghèo</span>' in below.text
        assert "Mức chuẩn nghèo</dt><dd>1.500.000\u00a0₫</dd>" in below.text
        assert "Thu nhập 1.500.000 ₫ không vượt chuẩn nghèo 1.500.000 ₫." in below.text
        assert fake.classify_calls[-1] == {
            "year": 2026,
            "area": "rural",
            "income_per_capita": 1_500_001,
            "deprivations": ["HE2", "HO1", "HO2"],
        }
        assert below.headers["vary"] == "HX-Request"

    async def test_fewer_deprivations_make_the_household_near_poor(
        self, officer: httpx.AsyncClient, csrf: str
    ) -> None:
        response = await officer.post(PREVIEW, data=answers(csrf, deprivations=["HE2"]), headers=HX)
        assert preview_class(response.text) == "near_poor"

    async def test_an_unreadable_income_is_explained_not_classified(
        self, officer: httpx.AsyncClient, csrf: str
    ) -> None:
        response = await officer.post(
            PREVIEW, data=answers(csrf, income_per_capita="khoảng một triệu"), headers=HX
        )
        assert response.status_code == 200
        assert preview_class(response.text) == ""
        assert "<li>Vui lòng nhập một số nguyên.</li>" in response.text

    async def test_the_api_down_says_so_in_the_preview(
        self, officer: httpx.AsyncClient, csrf: str, fake: FakeState
    ) -> None:
        fake.down = True
        response = await officer.post(PREVIEW, data=answers(csrf), headers=HX)
        assert "Hiện không kết nối được với máy chủ dữ liệu" in response.text

    async def test_needs_the_csrf_token(self, officer: httpx.AsyncClient) -> None:
        response = await officer.post(PREVIEW, data=answers("forged"), headers=HX)
        assert response.status_code == 403


class TestSave:
    async def test_saves_a_draft_and_shows_it_with_its_classification(
        self, officer: httpx.AsyncClient, csrf: str, fake: FakeState
    ) -> None:
        response = await officer.post(FORM, data=answers(csrf))
        assert response.status_code == 303
        assert response.headers["location"] == "/households/h-0001/assessments/as-1"
        [call] = [
            r for r in fake.requests if r["method"] == "POST" and r["path"].endswith("/assessments")
        ]
        assert call["headers"]["idempotency-key"] == "review-key"
        page = (await officer.get(response.headers["location"])).text
        assert '<span class="status status-poor" data-classification="poor">Hộ nghèo</span>' in page
        assert 'data-state="draft">Bản nháp</span>' in page
        assert "Xác nhận hoàn tất khảo sát" in page
        facts = text_of(section(page, "result-heading"))
        assert "Thu nhập bình quân đầu người/tháng 1.200.000 ₫" in facts
        assert "Các chỉ số thiếu hụt Bảo hiểm y tế; Chất lượng nhà ở; Diện tích nhà ở" in facts

    async def test_a_refusal_keeps_the_answers_and_says_why_beside_the_field(
        self, officer: httpx.AsyncClient, csrf: str
    ) -> None:
        response = await officer.post(FORM, data=answers(csrf, income_per_capita=""))
        assert response.status_code == 422
        page = response.text
        assert field_errors(page, "income_per_capita") == [
            "Hãy nhập thu nhập bình quân đầu người hoặc điểm B1."
        ]
        assert ticked(page, "deprivations") == ["HE2", "HO1", "HO2"]
        # a corrected form is a new request: a new key (the refused one is spent)
        assert hidden_value(page, "idempotency_key") not in ("review-key", "")
        assert input_value(page, "survey_date") == "28/11/2026"


class TestSteps:
    async def _draft(self, officer: httpx.AsyncClient, csrf: str) -> str:
        return (await officer.post(FORM, data=answers(csrf))).headers["location"]

    async def _step(
        self, officer: httpx.AsyncClient, url: str, csrf: str, **fields: str
    ) -> httpx.Response:
        etag = hidden_value((await officer.get(url)).text, "etag")
        return await officer.post(f"{url}/steps", data={"csrf_token": csrf, "etag": etag, **fields})

    async def test_from_draft_to_recognised_changes_the_household(
        self, officer: httpx.AsyncClient, csrf: str, fake: FakeState
    ) -> None:
        fake.households["h-0001"]["status"] = "unclassified"
        url = await self._draft(officer, csrf)
        assert (await self._step(officer, url, csrf, step="surveyed")).status_code == 303
        page = (await officer.get(url)).text
        assert '<label for="attendees">Số người dự họp <abbr' in page
        meeting = await self._step(
            officer, url, csrf, step="meeting", attendees="20", agreeing="15"
        )
        assert meeting.status_code == 303
        assert (
            await self._step(officer, url, csrf, step="posted", posted_on="2026-11-28")
        ).status_code == 303
        recognised = await self._step(
            officer,
            url,
            csrf,
            step="recognised",
            decision_number="12/QĐ-UBND",
            decision_date="28/11/2026",
        )
        assert recognised.status_code == 303
        page = (await officer.get(url)).text
        assert 'data-state="recognised">Đã công nhận</span>' in page
        assert "Bước tiếp theo" not in page
        assert fake.households["h-0001"]["status"] == "poor"
        sent = [r for r in fake.requests if r["path"].endswith("/steps")]
        assert [r["headers"]["if-match"] for r in sent] == ['"v1"', '"v2"', '"v3"', '"v4"']

    async def test_a_missing_vote_is_said_beside_the_fields(
        self, officer: httpx.AsyncClient, csrf: str
    ) -> None:
        url = await self._draft(officer, csrf)
        await self._step(officer, url, csrf, step="surveyed")
        response = await self._step(officer, url, csrf, step="meeting", attendees="20", agreeing="")
        assert response.status_code == 422
        assert field_errors(response.text, "agreeing") == ["Vui lòng nhập thông tin này."]
        assert input_value(response.text, "attendees") == "20"

    async def test_a_failed_vote_sends_the_review_back_and_says_so(
        self, officer: httpx.AsyncClient, csrf: str
    ) -> None:
        url = await self._draft(officer, csrf)
        await self._step(officer, url, csrf, step="surveyed")
        meeting = await self._step(officer, url, csrf, step="meeting", attendees="20", agreeing="9")
        assert meeting.status_code == 303
        page = (await officer.get(url)).text
        assert 'data-state="draft">Bản nháp</span>' in page
        notice = text_of(page.split('id="meeting-failed">')[1].split("</div>")[0])
        assert notice == (
            "Dưới một nửa số người dự họp đồng ý: phiếu trở lại khảo sát. 9 trên 20 người đồng ý"
        )
        await officer.get("/lang/en")
        english = (await officer.get(url)).text
        assert (
            "Fewer than half of those at the meeting agreed: the review goes back to the survey."
            in english
        )

    async def test_a_passed_vote_shows_no_such_notice(
        self, officer: httpx.AsyncClient, csrf: str
    ) -> None:
        url = await self._draft(officer, csrf)
        await self._step(officer, url, csrf, step="surveyed")
        await self._step(officer, url, csrf, step="meeting", attendees="20", agreeing="10")
        page = (await officer.get(url)).text
        assert 'data-state="agreed"' in page
        assert "meeting-failed" not in page

    async def test_more_agreeing_than_attendees_is_said_in_vietnamese(
        self, officer: httpx.AsyncClient, csrf: str
    ) -> None:
        url = await self._draft(officer, csrf)
        await self._step(officer, url, csrf, step="surveyed")
        response = await self._step(
            officer, url, csrf, step="meeting", attendees="10", agreeing="12"
        )
        assert response.status_code == 422
        assert field_errors(response.text, "agreeing") == [
            "Số người đồng ý nhiều hơn số người dự họp."
        ]

    async def test_a_changed_review_shows_its_current_stage(
        self, officer: httpx.AsyncClient, csrf: str
    ) -> None:
        url = await self._draft(officer, csrf)
        stale = hidden_value((await officer.get(url)).text, "etag")
        await self._step(officer, url, csrf, step="surveyed")  # someone else, first
        response = await officer.post(
            f"{url}/steps", data={"csrf_token": csrf, "etag": stale, "step": "surveyed"}
        )
        assert response.status_code == 409
        assert "Người khác vừa thay đổi đợt rà soát này" in response.text
        assert 'data-state="surveyed">Đã khảo sát</span>' in response.text
        assert hidden_value(response.text, "etag") == '"v2"'


class TestSessionEnd:
    async def test_an_expired_token_during_the_preview_sends_htmx_to_login_and_back(
        self, officer: httpx.AsyncClient, csrf: str, fake: FakeState
    ) -> None:
        fake.tokens.clear()  # the API no longer accepts the officer's token
        response = await officer.post(
            PREVIEW,
            data=answers(csrf),
            headers={**HX, "HX-Current-URL": f"http://testserver{FORM}?year=2026"},
        )
        assert response.headers["hx-redirect"] == (
            "/login?next=%2Fhouseholds%2Fh-0001%2Fassessments%2Fnew%3Fyear%3D2026&expired=1"
        )

    async def test_the_api_down_keeps_the_review_answers(
        self, officer: httpx.AsyncClient, csrf: str, fake: FakeState
    ) -> None:
        fake.down = True
        response = await officer.post(FORM, data=answers(csrf))
        assert response.status_code == 503
        assert "Hiện không kết nối được với máy chủ dữ liệu" in response.text
        assert input_value(response.text, "income_per_capita") == "1.200.000"
        assert response.text.count('name="deprivations"') == 3  # kept as hidden fields
        assert hidden_value(response.text, "idempotency_key") == "review-key"
