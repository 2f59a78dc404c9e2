"""The household profile's sections: risk, status history, needs, supports, visits, person in
charge, sponsors and the timeline, all in the officer's language."""

import httpx
import pytest

from tests.web.fake_api import FakeState
from tests.web.web_test_helpers import section, text_of

pytestmark = pytest.mark.anyio


@pytest.fixture
async def profile(officer: httpx.AsyncClient) -> str:
    return (await officer.get("/households/h-0001")).text


class TestSections:
    async def test_actions_come_first(self, profile: str) -> None:
        actions = profile.split('aria-label="Thao tác">')[1].split("</ul>")[0]
        assert text_of(actions) == (
            "Ghi nhận thăm hộ Rà soát định kỳ hằng năm Ghi nhận hỗ trợ Sửa thông tin hộ"
        )

    async def test_status_history_with_reasons(self, profile: str) -> None:
        history = text_of(section(profile, "history-heading"))
        assert history.startswith(
            "Lịch sử phân loại 2025 · Chưa phân loại → Hộ nghèo Hộ nghèo phát sinh 15/12/2025"
            " Thu nhập 1.200.000 ₫ không vượt chuẩn nghèo 1.500.000 ₫."
        )

    async def test_needs_link_to_a_support_for_them(self, profile: str) -> None:
        needs = section(profile, "needs-heading")
        assert "<strong>Y tế</strong> (HE2)" in needs
        assert 'href="/households/h-0001/supports/new?need_id=need-1"' in needs
        assert "Chưa đáp ứng · " in text_of(needs)

    async def test_visits_show_what_was_found(self, profile: str) -> None:
        visits = text_of(section(profile, "visits-heading"))
        assert "02/10/2026 · Theo dõi định kỳ · Lâm Văn Tư Nhà tạm, mái dột." in visits
        assert "Thu nhập: Giảm · Nguy cơ: Cao · Lần thăm tới: 02/12/2026" in visits
        assert "Biến cố: Ốm đau nặng" in visits
        assert "Kế hoạch: Nuôi thêm hai con heo." in visits

    async def test_nobody_in_charge_offers_an_assignment(self, profile: str) -> None:
        in_charge = section(profile, "in-charge-heading")
        assert "Hộ này chưa có người phụ trách." in in_charge
        assert '<a href="/households/h-0001/person-in-charge">Phân công người phụ trách</a>' in (
            in_charge
        )

    async def test_sponsors_with_what_was_delivered(self, profile: str) -> None:
        sponsors = text_of(section(profile, "sponsors-heading"))
        assert "Nhiều người giúp một hộ · 01/01/2026" in sponsors
        assert "Doanh nghiệp Hòa Phát (Doanh nghiệp): 5.000.000 ₫ · đã trao 2.000.000 ₫" in (
            sponsors
        )

    async def test_the_timeline_newest_first(self, profile: str) -> None:
        timeline = text_of(section(profile, "timeline-heading"))
        assert timeline == (
            "Diễn biến Xem tất cả sự kiện (3)"
            " 02/10/2026 Thăm hộ: Theo dõi định kỳ Lâm Văn Tư · Ốm đau nặng"
            " 15/12/2025 Phân loại năm 2025: Hộ nghèo Hộ nghèo phát sinh · Thu nhập 1.200.000 ₫"
            " không vượt chuẩn nghèo 1.500.000 ₫."
            " 01/03/2024 Đăng ký hộ"
        )

    async def test_a_household_not_watched_says_so(self, profile: str) -> None:
        assert "Không theo dõi: chỉ theo dõi hộ cận nghèo và hộ đã thoát nghèo." in section(
            profile, "risk-heading"
        )


class TestRisk:
    async def test_score_and_reasons_in_vietnamese(self, officer: httpx.AsyncClient) -> None:
        page = (await officer.get("/households/h-0002")).text
        assert '<span class="tag risk" data-risk="72">Nguy cơ tái nghèo 72/100</span>' in page
        risk = section(page, "risk-heading")
        assert '<meter min="0" max="100" low="34" high="67" optimum="0" value="72">' in risk
        assert "Có người ốm nặng trong lần thăm gần nhất. (+30)" in text_of(risk)
        in_charge = text_of(section(page, "in-charge-heading"))
        assert "Lâm Văn Tư · Hội Liên hiệp Phụ nữ · từ 10/01/2025" in in_charge

    async def test_in_english_the_reasons_are_english(self, officer: httpx.AsyncClient) -> None:
        await officer.get("/lang/en")
        page = (await officer.get("/households/h-0002")).text
        assert "A member was seriously ill at the last visit. (+30)" in text_of(
            section(page, "risk-heading")
        )

    async def test_a_member_who_left_is_marked(
        self, officer: httpx.AsyncClient, fake: FakeState
    ) -> None:
        fake.households["h-0001"]["members"][1]["left_on"] = "2026-06-01"
        page = (await officer.get("/households/h-0001")).text
        assert 'Lê Thị Bé <span class="tag">đã rời hộ 01/06/2026</span>' in page

    async def test_a_saved_notice_is_only_one_we_know(self, officer: httpx.AsyncClient) -> None:
        page = (await officer.get("/households/h-0001?saved=<script>")).text
        assert "notice success" not in page
        assert "<script>" not in page.split("<main")[1]
