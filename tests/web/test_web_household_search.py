"""The household search page: full page, live-search fragment, filters and "more"."""

import html
import re

import httpx
import pytest

from tests.web.fake_api import FakeState
from tests.web.web_test_helpers import HX, head_names, selected_option

pytestmark = pytest.mark.anyio


def household_queries(fake: FakeState) -> list[dict[str, str]]:
    return [r["query"] for r in fake.requests if r["path"] == "/api/v1/households"]


def more_link(page: str) -> str | None:
    match = re.search(r'<li class="more">\s*<a href="([^"]+)"', page)
    return html.unescape(match.group(1)) if match else None


def add_test_households(fake: FakeState, count: int) -> None:
    for number in range(1, count + 1):
        fake.add_household(
            id=f"h-t{number:03d}",
            code=f"T-{number:03d}",
            place_id="p-ap-moi",
            head_name=f"Hộ thử {number:03d}",
            ethnicity="khmer",
        )


class TestSearchPage:
    async def test_lists_every_household_without_a_query(self, officer: httpx.AsyncClient) -> None:
        response = await officer.get("/households")
        assert response.status_code == 200
        assert response.text.startswith("<!doctype html>")
        assert '<form class="search-form" action="/households" method="get"' in response.text
        assert head_names(response.text) == ["Nguyễn Văn A", "Thạch Sô Phươl", "Nguyễn Văn Ánh"]
        assert response.headers["vary"] == "HX-Request"

    async def test_live_search_is_wired_to_the_results(self, officer: httpx.AsyncClient) -> None:
        page = (await officer.get("/households")).text
        assert 'hx-trigger="input changed delay:300ms, search, submit"' in page
        assert 'hx-target="#results" hx-push-url="true"' in page
        assert '<div id="results" class="results" aria-live="polite">' in page

    async def test_passes_the_query_through_as_typed(
        self, officer: httpx.AsyncClient, fake: FakeState
    ) -> None:
        response = await officer.get("/households", params={"q": "nguyen van a"})
        assert head_names(response.text) == ["Nguyễn Văn A", "Nguyễn Văn Ánh"]
        assert household_queries(fake) == [{"q": "nguyen van a", "page_size": "25"}]
        assert 'value="nguyen van a"' in response.text

    async def test_shows_each_household_with_status_place_and_ethnicity(
        self, officer: httpx.AsyncClient
    ) -> None:
        response = await officer.get("/households", params={"q": "LH-002"})
        assert (
            '<a class="household-link" href="/households/h-0002">\n'
            '    <strong class="head-name">Thạch Sô Phươl</strong>\n'
            '    <span class="code">LH-002</span>\n'
            "  </a>\n"
            '  <span class="status status-near_poor">Hộ cận nghèo</span>\n'
            '  <span class="meta">Ấp Mới · Khmer</span>'
        ) in response.text

    async def test_passes_the_filters_and_keeps_them_selected(
        self, officer: httpx.AsyncClient, fake: FakeState
    ) -> None:
        response = await officer.get(
            "/households",
            params={
                "place_id": "p-long-hoa",
                "status": "poor",
                "ethnicity": "kinh",
                "q": "",
            },
        )
        assert head_names(response.text) == ["Nguyễn Văn A"]
        assert household_queries(fake) == [
            {"place_id": "p-long-hoa", "status": "poor", "ethnicity": "kinh", "page_size": "25"}
        ]
        assert selected_option(response.text, "place_id") == "p-long-hoa"
        assert selected_option(response.text, "status") == "poor"
        assert selected_option(response.text, "ethnicity") == "kinh"

    async def test_offers_communes_statuses_and_ethnicities_in_vietnamese(
        self, officer: httpx.AsyncClient
    ) -> None:
        page = (await officer.get("/households")).text
        assert re.findall(r'<option value="(p-[^"]+)"', page) == ["p-hoa-minh", "p-long-hoa"]
        assert '<option value="average">Hộ có mức sống trung bình</option>' in page
        assert '<option value="hoa">Hoa</option>' in page

    async def test_says_when_nothing_matches(self, officer: httpx.AsyncClient) -> None:
        response = await officer.get("/households", params={"q": "không có ai"})
        assert head_names(response.text) == []
        assert '<p class="empty">Không tìm thấy hộ nào phù hợp.</p>' in response.text


class TestSearchFragment:
    async def test_htmx_gets_only_the_results(self, officer: httpx.AsyncClient) -> None:
        response = await officer.get("/households", params={"q": "thach"}, headers=HX)
        assert response.status_code == 200
        assert response.text.startswith('<ol class="household-list">')
        assert "<html" not in response.text
        assert "<form" not in response.text
        assert head_names(response.text) == ["Thạch Sô Phươl"]
        assert response.headers["vary"] == "HX-Request"

    async def test_a_history_restore_gets_the_whole_page(self, officer: httpx.AsyncClient) -> None:
        response = await officer.get(
            "/households",
            params={"q": "thach"},
            headers={**HX, "HX-History-Restore-Request": "true"},
        )
        assert response.text.startswith("<!doctype html>")
        assert response.headers["vary"] == "HX-Request"

    async def test_the_api_being_down_shows_in_the_results(
        self, officer: httpx.AsyncClient, fake: FakeState
    ) -> None:
        fake.down = True
        response = await officer.get("/households", params={"q": "a"}, headers=HX)
        assert response.status_code == 503
        assert response.text.startswith('<div class="notice error" role="alert">')
        assert (
            '<h1 class="notice-title">Không kết nối được với máy chủ dữ liệu</h1>' in response.text
        )


class TestMore:
    async def test_more_fetches_the_next_page_with_the_same_filters(
        self, officer: httpx.AsyncClient, fake: FakeState
    ) -> None:
        add_test_households(fake, 27)
        first = await officer.get("/households", params={"q": "ho thu"})
        assert head_names(first.text) == [f"Hộ thử {n:03d}" for n in range(1, 26)]
        url = more_link(first.text)
        assert url is not None
        assert url.startswith("/households?q=ho+thu&page_token=")
        assert f'hx-get="{html.escape(url)}" hx-target="closest li" hx-swap="outerHTML"' in (
            first.text
        )

        rows = await officer.get(url, headers=HX)
        assert rows.text.startswith('<li class="household-card">')
        assert head_names(rows.text) == ["Hộ thử 026", "Hộ thử 027"]
        assert more_link(rows.text) is None
        assert rows.headers["vary"] == "HX-Request"
        assert household_queries(fake)[-1]["page_token"] == url.split("page_token=")[1]

    async def test_without_javascript_more_is_a_full_page(
        self, officer: httpx.AsyncClient, fake: FakeState
    ) -> None:
        add_test_households(fake, 27)
        url = more_link((await officer.get("/households", params={"q": "ho thu"})).text)
        assert url is not None
        page = await officer.get(url)
        assert page.text.startswith("<!doctype html>")
        assert head_names(page.text) == ["Hộ thử 026", "Hộ thử 027"]
