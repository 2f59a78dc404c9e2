"""The server-side session store and its signed cookie."""

import httpx
import pytest
from fastapi import FastAPI
from starlette.requests import Request
from starlette.responses import Response

from tests.web.web_test_helpers import browser_for, sign_in
from web import sessions
from web.main import create_web_app
from web.schemas import Officer
from web.sessions import SessionCookie, SessionStore

OFFICER = Officer(id="u-1", username="an", full_name="An", role="commune_officer")


def request_with_cookie(name: str, value: str) -> Request:
    headers = [(b"cookie", f"{name}={value}".encode())]
    return Request({"type": "http", "method": "GET", "path": "/", "headers": headers})


class TestSessionStore:
    def test_a_session_expires_at_its_absolute_deadline(self) -> None:
        now = [1000.0]
        store = SessionStore(max_age=60, clock=lambda: now[0])
        session = store.create()
        now[0] = 1059.0
        assert store.get(session.id) is session
        now[0] = 1060.0
        assert store.get(session.id) is None
        assert len(store) == 0

    def test_the_token_lifetime_shortens_the_session_never_lengthens_it(self) -> None:
        store = SessionStore(max_age=60, clock=lambda: 0.0)
        assert store.create(lifetime=30).expires_at == 30.0
        assert store.create(lifetime=3600).expires_at == 60.0

    def test_when_full_anonymous_sessions_go_first(self, monkeypatch: pytest.MonkeyPatch) -> None:
        monkeypatch.setattr(sessions, "MAX_SESSIONS", 3)
        store = SessionStore(max_age=60)
        officer = store.create(access_token="t", officer=OFFICER)
        first_visitor, second_visitor = store.create(), store.create()
        newest = store.create()
        assert store.get(first_visitor.id) is None
        assert [s is not None for s in map(store.get, (officer.id, second_visitor.id))] == [
            True,
            True,
        ]
        assert store.get(newest.id) is newest
        assert len(store) == 3


class TestSessionCookie:
    def test_only_a_correctly_signed_id_is_read_back(self) -> None:
        cookie = SessionCookie(secret_key="k" * 32, secure=False, max_age=60)
        session = SessionStore(max_age=60).create()
        response = Response()
        cookie.attach(response, session)
        value = response.headers["set-cookie"].split(";")[0].split("=", 1)[1]
        assert cookie.session_id_from(request_with_cookie(cookie.name, value)) == session.id
        forged = f"{session.id}.{'0' * 64}"
        assert cookie.session_id_from(request_with_cookie(cookie.name, forged)) is None
        assert cookie.session_id_from(request_with_cookie(cookie.name, session.id)) is None

    def test_a_short_secret_is_refused(self) -> None:
        with pytest.raises(ValueError, match="at least 16"):
            SessionCookie(secret_key="short", secure=False, max_age=60)


@pytest.mark.anyio
async def test_a_cookie_signed_with_another_secret_is_not_a_session(
    officer: httpx.AsyncClient, fake_api: FastAPI
) -> None:
    other_app = create_web_app(api_app=fake_api, secret_key="another-secret-key-0123456789")
    async with browser_for(other_app) as other_browser:
        await sign_in(other_browser)
        stolen = other_browser.cookies["gn_session"]
    officer.cookies.set("gn_session", stolen)
    response = await officer.get("/")
    assert response.status_code == 303
