"""The home dashboard: figures, charts drawn as SVG, visits due, the early-warning list, and
the fallback when the data service has no reports."""

import re

import httpx
import pytest

from tests.web.fake_api import FakeState
from tests.web.web_test_helpers import parse_tags, section, text_of
from web.i18n.formatting import format_percent

pytestmark = pytest.mark.anyio


def figure(page: str, name: str) -> str:
    match = re.search(rf'data-figure="{name}">([^<]*)<', page)
    assert match is not None, name
    return match.group(1)


def api_queries(fake: FakeState, path: str) -> list[dict[str, str]]:
    return [r["query"] for r in fake.requests if r["path"] == f"/api/v1/{path}"]


class TestFigures:
    async def test_this_years_figures_for_the_officers_commune(
        self, officer: httpx.AsyncClient, fake: FakeState
    ) -> None:
        fake.requests.clear()
        page = (await officer.get("/")).text
        assert '<h2 id="figures-heading">Tình hình giảm nghèo năm 2026 · Xã Long Hòa</h2>' in page
        # 60 households, 3 poor in the report plus h-0001, whose status is poor
        assert (figure(page, "households"), figure(page, "poor")) == ("60", "4")
        assert figure(page, "poor-rate") == "6,67%"
        assert figure(page, "visits-due") == "2"
        assert figure(page, "near-poor-rate") == "3,33%"
        assert api_queries(fake, "reports/poverty-rate")[0] == {"place_id": "p-long-hoa"}

    async def test_an_officer_may_look_at_all_their_places(
        self, officer: httpx.AsyncClient, fake: FakeState
    ) -> None:
        fake.requests.clear()
        page = (await officer.get("/?place_id=")).text
        assert '<option value="" selected>' not in page  # "all" is the blank option
        assert api_queries(fake, "reports/poverty-rate")[0] == {}

    async def test_the_trend_chart_is_svg_with_the_target_line_and_a_table(
        self, officer: httpx.AsyncClient, fake: FakeState
    ) -> None:
        fake.targets.append(
            {
                "id": "t-1",
                "place_id": "p-long-hoa",
                "place": None,
                "year": 2027,
                "kind": "poor",
                "max_rate": 4.0,
                "source_note": None,
            }
        )
        page = (await officer.get("/")).text
        trend = section(page, "trend-heading")
        assert '<svg class="chart chart-trend"' in trend
        assert 'role="img" aria-label="Tỷ lệ hộ nghèo qua các năm"' in trend
        assert 'class="target-line"' in trend
        assert ">Chỉ tiêu 2027 (Xã Long Hòa): 4%</text>" in trend
        years = re.findall(r'<tr><th scope="row">(\d{4})</th><td>([^<]*)</td></tr>', trend)
        assert years == [
            ("2022", "18%"),
            ("2023", "13,46%"),
            ("2024", "11,32%"),
            ("2025", "9,09%"),
            ("2026", "6,67%"),
        ]

    async def test_a_target_set_above_the_commune_applies(
        self, officer: httpx.AsyncClient, fake: FakeState
    ) -> None:
        fake.targets.append(
            {
                "id": "t-9",
                "place_id": "p-tra-vinh",
                "place": None,
                "year": 2030,
                "kind": "poor",
                "max_rate": 2.5,
                "source_note": None,
            }
        )
        trend = section((await officer.get("/")).text, "trend-heading")
        assert ">Chỉ tiêu 2030 (Tỉnh Trà Vinh): 2,5%</text>" in trend

    async def test_places_and_transitions_are_charted(self, officer: httpx.AsyncClient) -> None:
        page = (await officer.get("/")).text
        places = section(page, "places-heading")
        assert places.count('class="bar"') == 2
        assert '<text x="0" y="11" class="chart-label">Ấp Chợ</text>' in places
        transitions = section(page, "transitions-heading")
        # five years asked, the first is the baseline (all "newly poor"): four are drawn
        assert transitions.count('class="column series-1"') == 4
        assert "Hộ nghèo phát sinh" in transitions and "Thoát nghèo" in transitions

    async def test_the_top_of_the_early_warning_list(self, officer: httpx.AsyncClient) -> None:
        warnings = text_of(section((await officer.get("/")).text, "warning-heading"))
        assert "Thạch Sô Phươl LH-002 nguy cơ 72/100 Hộ cận nghèo Có người ốm nặng." in warnings

    async def test_no_script_in_the_charts(self, officer: httpx.AsyncClient) -> None:
        tags = parse_tags((await officer.get("/")).text)
        assert tags.script_bodies == ["", ""]  # htmx and app.js, both files


class TestWithoutReports:
    async def test_falls_back_to_todays_statuses(
        self, officer: httpx.AsyncClient, fake: FakeState
    ) -> None:
        fake.reports_available = False
        response = await officer.get("/")
        assert response.status_code == 200
        page = response.text
        assert "Tình hình hộ hiện nay · Xã Long Hòa" in page
        assert (figure(page, "households"), figure(page, "poor")) == ("3", "1")
        assert "Hiện chưa lấy được báo cáo" in page
        assert "chart-trend" not in page
        # the early-warning list comes from the households sorted by risk
        assert "Thạch Sô Phươl" in section(page, "warning-heading")

    async def test_the_api_being_down_is_the_503_page(
        self, officer: httpx.AsyncClient, fake: FakeState
    ) -> None:
        fake.down = True
        response = await officer.get("/")
        assert response.status_code == 503
        assert "Không kết nối được với máy chủ dữ liệu" in response.text


class TestNumbers:
    async def test_counts_have_thousands_separators_and_rates_two_decimals(
        self, officer: httpx.AsyncClient, fake: FakeState
    ) -> None:
        late = dict(fake.due[0], days_overdue=3117)
        fake.due[:] = [late] + [
            dict(late, household_id=f"h-x{i}", days_overdue=3117) for i in range(1199)
        ]
        page = (await officer.get("/")).text
        assert figure(page, "visits-overdue") == "1.200 quá hạn"
        worklist = (await officer.get("/worklist")).text
        summary = text_of(worklist.split('class="summary-line"')[1].split("</p>")[0])
        assert summary.endswith("1.200 hộ đến hạn thăm · 1.200 hộ quá hạn")
        assert "quá hạn 3.117 ngày" in text_of(worklist)

    @pytest.mark.parametrize(
        ("rate", "locale", "shown"),
        [(20.7, "vi", "20,70%"), (8.37, "vi", "8,37%"), (5, "en", "5.00%"), (None, "vi", "—")],
    )
    def test_a_rate_with_fixed_decimals(self, rate: float | None, locale: str, shown: str) -> None:
        assert format_percent(rate, locale, 2) == shown
