"""Fixtures: a fresh fake API per test and the web app talking to it in-process, driven
through httpx (no browser)."""

from collections.abc import AsyncIterator

import httpx
import pytest
from fastapi import FastAPI

from tests.web.fake_api import FakeState, build_fake_api
from tests.web.fake_api_seed import ADMIN_PASSWORD, ADMIN_USERNAME
from tests.web.web_test_helpers import SECRET_KEY, browser_for, csrf_token, sign_in
from web.main import create_web_app


@pytest.fixture
def anyio_backend() -> str:
    return "asyncio"


@pytest.fixture
def fake_api() -> FastAPI:
    return build_fake_api()


@pytest.fixture
def fake(fake_api: FastAPI) -> FakeState:
    return fake_api.state.fake


@pytest.fixture
def web_app(fake_api: FastAPI) -> FastAPI:
    return create_web_app(api_app=fake_api, secret_key=SECRET_KEY)


@pytest.fixture
async def client(web_app: FastAPI) -> AsyncIterator[httpx.AsyncClient]:
    async with browser_for(web_app) as browser:
        yield browser
    await web_app.state.api_http.aclose()


@pytest.fixture
async def officer(client: httpx.AsyncClient) -> httpx.AsyncClient:
    """``client``, signed in as the commune officer."""
    await sign_in(client)
    return client


@pytest.fixture
async def csrf(officer: httpx.AsyncClient) -> str:
    """The signed-in officer's CSRF token, as the pages carry it."""
    return csrf_token((await officer.get("/")).text)


@pytest.fixture
async def admin(web_app: FastAPI) -> AsyncIterator[httpx.AsyncClient]:
    """Another browser, signed in as the administrator (no places: sees everything)."""
    async with browser_for(web_app) as browser:
        await sign_in(browser, ADMIN_USERNAME, ADMIN_PASSWORD)
        yield browser
