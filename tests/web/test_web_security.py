"""Security headers, CSRF, no inline code (CSP), and escaping."""

import json

import httpx
import pytest
from fastapi import FastAPI

from tests.web.fake_api import FakeState
from tests.web.web_test_helpers import HX, browser_for, parse_tags, sign_in

pytestmark = pytest.mark.anyio

EXPECTED_CSP = (
    "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; "
    "frame-ancestors 'none'; form-action 'self'; base-uri 'self'"
)
SIGNED_IN_PAGES = [
    "/",
    "/households",
    "/households?q=nguyen",
    "/households/h-0001",
    "/households/new",
    "/households/h-0001/edit",
    "/households/no-such-id",
    "/no-such-page",
    "/households/h-0001/assessments/new",
    "/households/h-0001/visits/new",
    "/households/h-0001/supports/new",
    "/households/h-0001/members/new",
    "/households/h-0001/members/h-0001-m1/edit",
    "/households/h-0001/person-in-charge",
    "/worklist",
    "/people",
    "/people/new",
    "/reports",
    "/reports?report=early-warning",
    "/reports?report=transitions",
]
UNSAFE_ROUTES = [
    "/households/h-0001/assessments/new",
    "/households/h-0001/assessments/preview",
    "/households/h-0001/assessments/as-1/steps",
    "/households/h-0001/visits/new",
    "/households/h-0001/supports/new",
    "/households/h-0001/members/new",
    "/households/h-0001/members/h-0001-m1/edit",
    "/households/h-0001/person-in-charge",
    "/people/new",
    "/people/me",
    "/admin/places",
    "/admin/users/new",
    "/admin/users/u-1/active",
    "/admin/agencies",
    "/admin/agencies/ag-1/keys",
    "/admin/agencies/ag-1/keys/key-1/revoke",
    "/admin/policies/new",
    "/admin/targets",
    "/admin/targets/t-1/delete",
    "/imports",
]
STATIC_FILES = [
    "/static/app.css",
    "/static/app.js",
    "/static/favicon.svg",
    "/static/vendor/htmx-2.0.11.min.js",
]


def assert_security_headers(response: httpx.Response) -> None:
    assert response.headers["content-security-policy"] == EXPECTED_CSP
    assert response.headers["x-content-type-options"] == "nosniff"
    assert response.headers["referrer-policy"] == "same-origin"
    assert response.headers["x-frame-options"] == "DENY"


class TestSecurityHeaders:
    @pytest.mark.parametrize("path", SIGNED_IN_PAGES)
    async def test_on_every_page(self, officer: httpx.AsyncClient, path: str) -> None:
        response = await officer.get(path)
        assert_security_headers(response)
        assert response.headers["cache-control"] == "no-store"

    @pytest.mark.parametrize("path", ["/login", "/households"])
    async def test_on_anonymous_responses(self, client: httpx.AsyncClient, path: str) -> None:
        assert_security_headers(await client.get(path))

    @pytest.mark.parametrize("path", STATIC_FILES)
    async def test_on_static_files_which_may_be_cached(
        self, client: httpx.AsyncClient, path: str
    ) -> None:
        response = await client.get(path)
        assert response.status_code == 200
        assert_security_headers(response)
        assert "cache-control" not in response.headers

    async def test_on_the_page_for_an_unexpected_error(
        self, officer: httpx.AsyncClient, web_app: FastAPI
    ) -> None:
        async def broken() -> None:
            raise RuntimeError("a bug in the web app")

        web_app.add_api_route("/broken", broken)
        # Starlette re-raises after sending the 500 page (for the server's log); a server
        # would log it, the test transport is told to do the same instead of raising.
        async with browser_for(web_app, raise_app_exceptions=False) as browser:
            await sign_in(browser)
            response = await browser.get("/broken")
        assert response.status_code == 500
        assert_security_headers(response)
        assert '<h1 class="notice-title">Đã xảy ra lỗi</h1>' in response.text
        assert "RuntimeError" not in response.text


class TestNoInlineCode:
    @pytest.mark.parametrize("path", SIGNED_IN_PAGES)
    async def test_scripts_are_files_and_there_are_no_style_or_handler_attributes(
        self, officer: httpx.AsyncClient, path: str
    ) -> None:
        page = parse_tags((await officer.get(path)).text)
        scripts = [attrs for tag, attrs in page.tags if tag == "script"]
        assert [attrs["src"] for attrs in scripts] == [
            "/static/vendor/htmx-2.0.11.min.js",
            "/static/app.js",
        ]
        assert page.script_bodies == ["", ""]
        assert [tag for tag, _ in page.tags if tag == "style"] == []
        inline = [
            (tag, name)
            for tag, attrs in page.tags
            for name in attrs
            if name == "style" or name.startswith("on") or name.startswith("hx-on")
        ]
        assert inline == []

    async def test_the_login_page_has_no_inline_code_either(
        self, client: httpx.AsyncClient
    ) -> None:
        page = parse_tags((await client.get("/login")).text)
        assert page.script_bodies == ["", ""]
        assert [name for _, attrs in page.tags for name in attrs if name == "style"] == []

    async def test_htmx_is_configured_without_eval_or_inline_styles(
        self, officer: httpx.AsyncClient
    ) -> None:
        page = parse_tags((await officer.get("/")).text)
        [config] = [a["content"] for t, a in page.tags if a.get("name") == "htmx-config"]
        assert json.loads(config or "") == {
            "allowEval": False,
            "includeIndicatorStyles": False,
            "allowScriptTags": False,
            "historyCacheSize": 0,
            "responseHandling": [
                {"code": "204", "swap": False},
                {"code": "[23]..", "swap": True},
                {"code": "[45]..", "swap": True, "error": True},
            ],
        }


class TestCsrf:
    async def test_a_form_post_without_the_token_is_refused(
        self, officer: httpx.AsyncClient, fake: FakeState
    ) -> None:
        response = await officer.post("/households/new", data={"code": "LH-900"})
        assert response.status_code == 403
        assert '<h1 class="notice-title">Biểu mẫu đã hết hạn</h1>' in response.text
        assert [r for r in fake.requests if r["path"] == "/api/v1/households"] == []

    @pytest.mark.parametrize("path", UNSAFE_ROUTES)
    async def test_every_form_of_every_screen_needs_the_token(
        self, officer: httpx.AsyncClient, fake: FakeState, path: str
    ) -> None:
        before = len([r for r in fake.requests if r["method"] != "GET"])
        response = await officer.post(path, data={"anything": "x"})
        assert response.status_code == 403
        assert len([r for r in fake.requests if r["method"] != "GET"]) == before

    async def test_a_wrong_token_is_refused(self, officer: httpx.AsyncClient) -> None:
        response = await officer.post("/households/new", data={"csrf_token": "x" * 43})
        assert response.status_code == 403

    async def test_a_token_from_another_session_is_refused(
        self, officer: httpx.AsyncClient, csrf: str, web_app: FastAPI
    ) -> None:
        async with browser_for(web_app) as other_browser:
            await sign_in(other_browser)
            response = await other_browser.post("/logout", data={"csrf_token": csrf})
        assert response.status_code == 403

    async def test_htmx_sends_the_token_as_a_header(
        self, officer: httpx.AsyncClient, csrf: str
    ) -> None:
        response = await officer.post(
            "/households/new",
            data={"action": "add_member", "member_rows": "1"},
            headers={**HX, "X-CSRF-Token": csrf},
        )
        assert response.status_code == 200

    async def test_the_page_carries_the_token_in_a_meta_tag_for_htmx(
        self, officer: httpx.AsyncClient, csrf: str
    ) -> None:
        page = parse_tags((await officer.get("/households")).text)
        assert [a["content"] for t, a in page.tags if a.get("name") == "csrf-token"] == [csrf]

    async def test_the_login_form_needs_the_token_too(self, client: httpx.AsyncClient) -> None:
        await client.get("/login")
        response = await client.post("/login", data={"username": "an.tran", "password": "x"})
        assert response.status_code == 403

    async def test_a_non_ascii_token_is_refused_not_an_error(
        self, officer: httpx.AsyncClient
    ) -> None:
        response = await officer.post("/logout", data={"csrf_token": "Nguyễn"})
        assert response.status_code == 403


class TestEscaping:
    async def test_api_text_is_escaped(self, officer: httpx.AsyncClient, fake: FakeState) -> None:
        fake.add_household(
            id="h-xss",
            code="X-1",
            place_id="p-ap-cho",
            head_name='<script>alert("x")</script>',
            ethnicity="kinh",
        )
        response = await officer.get("/households/h-xss")
        assert "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt;" in response.text
        assert '<script>alert("x")' not in response.text
        assert parse_tags(response.text).script_bodies == ["", ""]
