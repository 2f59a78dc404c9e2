"""Sign in, sign out, and the way back to the page the officer wanted."""

import re
import time

import httpx
import pytest
from fastapi import FastAPI

from tests.web.fake_api import FakeState
from tests.web.web_test_helpers import (
    HX,
    PASSWORD,
    SECRET_KEY,
    USERNAME,
    browser_for,
    csrf_token,
    hidden_value,
    input_value,
)
from web.main import create_web_app

pytestmark = pytest.mark.anyio

SESSION_COOKIE_VALUE = re.compile(r"^[A-Za-z0-9_-]{43}\.[0-9a-f]{64}$")


async def post_login(client: httpx.AsyncClient, **fields: str) -> httpx.Response:
    token = csrf_token((await client.get("/login")).text)
    return await client.post("/login", data={"csrf_token": token, **fields})


class TestLoginPage:
    async def test_shows_the_form_in_vietnamese_with_a_csrf_token(
        self, client: httpx.AsyncClient
    ) -> None:
        response = await client.get("/login")
        assert response.status_code == 200
        assert "<h1>Đăng nhập</h1>" in response.text
        assert '<label for="username">Tên đăng nhập</label>' in response.text
        assert '<label for="password">Mật khẩu</label>' in response.text
        assert len(csrf_token(response.text)) == 43
        assert hidden_value(response.text, "next") == "/"

    async def test_sets_an_httponly_samesite_lax_session_cookie(
        self, client: httpx.AsyncClient
    ) -> None:
        response = await client.get("/login")
        cookie = response.headers["set-cookie"]
        name, _, rest = cookie.partition("=")
        assert name == "gn_session"
        assert SESSION_COOKIE_VALUE.match(rest.split(";")[0])
        attributes = {part.strip() for part in rest.split(";")[1:]}
        assert attributes == {"HttpOnly", "Max-Age=28800", "Path=/", "SameSite=lax"}

    async def test_secure_cookies_are_host_only_and_secure(self, fake_api: FastAPI) -> None:
        app = create_web_app(api_app=fake_api, secret_key=SECRET_KEY, secure_cookies=True)
        async with browser_for(app) as browser:
            cookie = (await browser.get("/login")).headers["set-cookie"]
        assert cookie.startswith("__Host-gn_session=")
        assert "; Secure" in cookie
        assert "; HttpOnly" in cookie

    async def test_a_signed_in_officer_is_sent_on(self, officer: httpx.AsyncClient) -> None:
        response = await officer.get("/login?next=/households")
        assert response.status_code == 303
        assert response.headers["location"] == "/households"


class TestSignIn:
    async def test_success_redirects_home_and_greets_the_officer(
        self, client: httpx.AsyncClient
    ) -> None:
        response = await post_login(client, username=USERNAME, password=PASSWORD, next="/")
        assert response.status_code == 303
        assert response.headers["location"] == "/"
        home = await client.get("/")
        assert home.status_code == 200
        assert "<h1>Xin chào, Trần Thị An</h1>" in home.text
        assert '<p class="lead">Cán bộ xã</p>' in home.text
        assert "Tình hình giảm nghèo năm 2026 · Xã Long Hòa" in home.text

    async def test_the_cookie_holds_a_new_signed_id_never_the_token(
        self, client: httpx.AsyncClient, fake: FakeState
    ) -> None:
        anonymous = (await client.get("/login")).cookies["gn_session"]
        token = csrf_token((await client.get("/login")).text)
        response = await client.post(
            "/login", data={"csrf_token": token, "username": USERNAME, "password": PASSWORD}
        )
        signed_in = response.cookies["gn_session"]
        assert SESSION_COOKIE_VALUE.match(signed_in)
        assert signed_in != anonymous  # a fresh id on sign-in (no session fixation)
        [api_token] = fake.tokens
        assert api_token not in signed_in
        assert api_token not in response.text

    async def test_wrong_password_is_refused_in_vietnamese_keeping_the_username(
        self, client: httpx.AsyncClient
    ) -> None:
        response = await post_login(client, username=USERNAME, password="sai-mat-khau")
        assert response.status_code == 400
        assert (
            '<p class="notice error" role="alert" id="login-error">'
            "Tên đăng nhập hoặc mật khẩu không đúng.</p>"
        ) in response.text
        assert input_value(response.text, "username") == USERNAME
        assert "sai-mat-khau" not in response.text
        assert (await client.get("/")).status_code == 303

    async def test_blank_fields_are_refused_without_asking_the_api(
        self, client: httpx.AsyncClient, fake: FakeState
    ) -> None:
        response = await post_login(client, username=" ", password="")
        assert response.status_code == 400
        assert "Vui lòng nhập tên đăng nhập và mật khẩu." in response.text
        assert fake.requests == []

    async def test_unreachable_api_is_said_plainly(self) -> None:
        app = create_web_app(api_base_url="http://127.0.0.1:1", secret_key=SECRET_KEY)
        async with browser_for(app) as browser:
            response = await post_login(browser, username=USERNAME, password=PASSWORD)
        assert response.status_code == 503
        assert (
            "Hiện không kết nối được với máy chủ dữ liệu. Dữ liệu của bạn vẫn an toàn; "
            "vui lòng thử lại sau ít phút."
        ) in response.text
        assert "Traceback" not in response.text
        assert input_value(response.text, "username") == USERNAME


class TestLoginRequired:
    async def test_an_anonymous_page_view_goes_to_login_with_next(
        self, client: httpx.AsyncClient
    ) -> None:
        response = await client.get("/households?q=nguyen")
        assert response.status_code == 303
        assert response.headers["location"] == "/login?next=%2Fhouseholds%3Fq%3Dnguyen"

    async def test_an_anonymous_htmx_request_gets_hx_redirect(
        self, client: httpx.AsyncClient
    ) -> None:
        response = await client.get("/households?q=nguyen", headers=HX)
        assert response.status_code == 200
        assert response.headers["hx-redirect"] == "/login?next=%2Fhouseholds%3Fq%3Dnguyen"
        assert response.headers["vary"] == "HX-Request"

    async def test_signing_in_returns_to_next(self, client: httpx.AsyncClient) -> None:
        login_page = await client.get("/login?next=%2Fhouseholds%2Fh-0001")
        assert hidden_value(login_page.text, "next") == "/households/h-0001"
        response = await client.post(
            "/login",
            data={
                "csrf_token": csrf_token(login_page.text),
                "username": USERNAME,
                "password": PASSWORD,
                "next": "/households/h-0001",
            },
        )
        assert response.status_code == 303
        assert response.headers["location"] == "/households/h-0001"

    @pytest.mark.parametrize(
        "next_path",
        [
            "//evil.example/x",
            "https://evil.example/",
            "/\\evil.example",
            "javascript:alert(1)",
            "households",
        ],
    )
    async def test_next_outside_the_site_is_replaced_by_home(
        self, client: httpx.AsyncClient, next_path: str
    ) -> None:
        login_page = await client.get("/login", params={"next": next_path})
        assert hidden_value(login_page.text, "next") == "/"
        response = await client.post(
            "/login",
            data={
                "csrf_token": csrf_token(login_page.text),
                "username": USERNAME,
                "password": PASSWORD,
                "next": next_path,
            },
        )
        assert response.headers["location"] == "/"

    async def test_an_expired_session_goes_to_login(
        self, officer: httpx.AsyncClient, web_app: FastAPI
    ) -> None:
        web_app.state.sessions.clock = lambda: time.time() + 8 * 3600 + 1
        response = await officer.get("/households/h-0001")
        assert response.status_code == 303
        assert response.headers["location"] == "/login?next=%2Fhouseholds%2Fh-0001&expired=1"

    async def test_a_token_the_api_refuses_ends_the_session(
        self, officer: httpx.AsyncClient, fake: FakeState, web_app: FastAPI
    ) -> None:
        fake.tokens.clear()  # revoked or expired on the API side
        response = await officer.get("/households/h-0001")
        assert response.status_code == 303
        assert response.headers["location"] == "/login?next=%2Fhouseholds%2Fh-0001&expired=1"
        cleared = response.headers["set-cookie"]
        assert cleared.startswith('gn_session=""; ')
        assert "; Max-Age=0; " in cleared
        assert len(web_app.state.sessions) == 0

    async def test_a_form_post_returns_to_the_page_it_came_from(
        self, officer: httpx.AsyncClient, csrf: str, fake: FakeState
    ) -> None:
        fake.tokens.clear()
        response = await officer.post(
            "/households/new",
            data={"csrf_token": csrf, "member_rows": "0"},
            headers={"Referer": "http://testserver/households/new"},
        )
        assert response.status_code == 303
        assert response.headers["location"] == "/login?next=%2Fhouseholds%2Fnew&expired=1"


class TestSessionExpiredDuringAForm:
    """The officer's work is not lost to a 403: sign in again and come back to the form."""

    async def _expire(self, web_app: FastAPI) -> None:
        web_app.state.sessions.clock = lambda: time.time() + 8 * 3600 + 1

    async def test_a_form_post_goes_to_login_and_back_to_the_form(
        self, officer: httpx.AsyncClient, csrf: str, web_app: FastAPI, fake: FakeState
    ) -> None:
        await self._expire(web_app)
        response = await officer.post(
            "/households/h-0001/visits/new",
            data={"csrf_token": csrf, "visited_on": "2026-11-28"},
            headers={"Referer": "http://testserver/households/h-0001/visits/new?need=n-1"},
        )
        assert response.status_code == 303
        assert response.headers["location"] == (
            "/login?next=%2Fhouseholds%2Fh-0001%2Fvisits%2Fnew%3Fneed%3Dn-1&expired=1"
        )
        assert [r["path"] for r in fake.requests if r["method"] == "POST"] == [
            "/api/v1/auth/token"  # signing in, nothing since
        ]

    async def test_htmx_gets_hx_redirect(
        self, officer: httpx.AsyncClient, csrf: str, web_app: FastAPI
    ) -> None:
        await self._expire(web_app)
        response = await officer.post(
            "/households/h-0001/assessments/preview",
            data={"year": "2026"},
            headers={
                **HX,
                "X-CSRF-Token": csrf,
                "HX-Current-URL": "http://testserver/households/h-0001/assessments/new",
            },
        )
        assert response.status_code == 200
        assert response.headers["hx-redirect"] == (
            "/login?next=%2Fhouseholds%2Fh-0001%2Fassessments%2Fnew&expired=1"
        )

    @pytest.mark.parametrize(
        "referer", ["https://evil.example/households/new", "javascript:alert(1)", ""]
    )
    async def test_never_back_to_another_site(
        self, officer: httpx.AsyncClient, csrf: str, web_app: FastAPI, referer: str
    ) -> None:
        await self._expire(web_app)
        headers = {"Referer": referer} if referer else {}
        response = await officer.post("/households/new", data={"csrf_token": csrf}, headers=headers)
        assert response.status_code == 303
        assert response.headers["location"] == "/login?expired=1"

    async def test_without_any_cookie_a_post_goes_to_login_not_a_403(
        self, client: httpx.AsyncClient
    ) -> None:
        response = await client.post(
            "/households/new",
            data={"csrf_token": "x"},
            headers={"Referer": "http://testserver/households/new"},
        )
        assert response.status_code == 303
        assert response.headers["location"] == "/login?next=%2Fhouseholds%2Fnew&expired=1"

    async def test_the_login_page_says_the_session_expired_and_returns_to_the_form(
        self, officer: httpx.AsyncClient, csrf: str, web_app: FastAPI
    ) -> None:
        await self._expire(web_app)
        response = await officer.post(
            "/households/new",
            data={"csrf_token": csrf},
            headers={"Referer": "http://testserver/households/new"},
        )
        web_app.state.sessions.clock = time.time
        login_page = await officer.get(response.headers["location"])
        assert login_page.status_code == 200
        assert (
            '<p class="notice warning" role="status" id="login-notice">'
            "Phiên đăng nhập đã hết hạn, vui lòng đăng nhập lại.</p>"
        ) in login_page.text
        assert hidden_value(login_page.text, "next") == "/households/new"
        signed_in = await officer.post(
            "/login",
            data={
                "csrf_token": csrf_token(login_page.text),
                "username": USERNAME,
                "password": PASSWORD,
                "next": "/households/new",
            },
        )
        assert signed_in.headers["location"] == "/households/new"

    async def test_the_notice_in_english(self, client: httpx.AsyncClient) -> None:
        await client.get("/lang/en")
        page = (await client.get("/login?expired=1")).text
        assert "Your session has expired, please sign in again." in page

    async def test_a_first_visit_shows_no_notice(self, client: httpx.AsyncClient) -> None:
        response = await client.get("/households")
        assert response.headers["location"] == "/login?next=%2Fhouseholds"
        assert "login-notice" not in (await client.get("/login?next=%2Fhouseholds")).text

    async def test_a_forged_token_with_a_live_session_is_still_refused(
        self, officer: httpx.AsyncClient, fake: FakeState
    ) -> None:
        response = await officer.post(
            "/households/new",
            data={"csrf_token": "forged"},
            headers={"Referer": "http://testserver/households/new"},
        )
        assert response.status_code == 403
        assert [r["path"] for r in fake.requests if r["method"] == "POST"] == [
            "/api/v1/auth/token"  # signing in, nothing since
        ]


class TestSignOut:
    async def test_revokes_the_token_and_forgets_the_session(
        self, officer: httpx.AsyncClient, csrf: str, fake: FakeState, web_app: FastAPI
    ) -> None:
        response = await officer.post("/logout", data={"csrf_token": csrf})
        assert response.status_code == 303
        assert response.headers["location"] == "/login"
        assert fake.tokens == {}
        assert len(web_app.state.sessions) == 0
        assert (await officer.get("/")).status_code == 303

    async def test_without_the_csrf_token_nothing_happens(
        self, officer: httpx.AsyncClient, fake: FakeState
    ) -> None:
        response = await officer.post("/logout")
        assert response.status_code == 403
        assert len(fake.tokens) == 1
        assert (await officer.get("/")).status_code == 200

    async def test_still_signs_out_when_the_api_is_down(
        self, officer: httpx.AsyncClient, csrf: str, fake: FakeState, web_app: FastAPI
    ) -> None:
        fake.down = True
        response = await officer.post("/logout", data={"csrf_token": csrf})
        assert response.status_code == 303
        assert response.headers["location"] == "/login"
        assert len(web_app.state.sessions) == 0


class TestExpiredNoticeOnLogin:
    async def test_the_notice_shows_once_above_a_clean_form(
        self, client: httpx.AsyncClient
    ) -> None:
        page = (await client.get("/login?expired=1")).text
        assert page.count('id="login-notice"') == 1
        username = page.split('id="username"', 1)[1].split(">", 1)[0]
        assert "notice" not in username and "<p" not in username
