"""The web app factory.

Single process (the default): ``create_web_app(api_app=api, secret_key=...)`` talks to the
API in-process through ``httpx.ASGITransport``; deployed apart it takes ``api_base_url``.
Mount it at "/" of the combined server, after the API's routes.
"""

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

import httpx
from fastapi import Depends, FastAPI
from starlette.middleware import Middleware
from starlette.staticfiles import StaticFiles
from starlette.types import ASGIApp

from web.deps import verify_csrf
from web.errors import install_error_handlers
from web.reference_cache import ReferenceCache
from web.routes import (
    admin_agencies,
    admin_places,
    admin_policies,
    admin_targets,
    admin_users,
    assessments,
    auth,
    dashboard,
    household_forms,
    households,
    imports,
    language,
    members,
    people,
    reports,
    supports,
    visits,
    worklist,
)
from web.security import SecurityHeadersMiddleware
from web.session_db import SqliteSessionStore
from web.sessions import SessionCookie, SessionStore

STATIC_DIR = Path(__file__).resolve().parent / "static"
IN_PROCESS_API_URL = "http://api"
API_TIMEOUT = httpx.Timeout(10.0, connect=3.0)


def build_api_http_client(
    *, api_base_url: str | None, api_app: ASGIApp | None
) -> httpx.AsyncClient:
    if (api_base_url is None) == (api_app is None):
        raise ValueError("pass exactly one of api_base_url and api_app")
    if api_app is not None:
        # raise_app_exceptions=False: an API crash reaches the web app as the API's own 500
        # response (an error page), not as the API's exception inside a web request.
        transport = httpx.ASGITransport(app=api_app, raise_app_exceptions=False)
        return httpx.AsyncClient(
            transport=transport, base_url=IN_PROCESS_API_URL, timeout=API_TIMEOUT
        )
    return httpx.AsyncClient(base_url=api_base_url or "", timeout=API_TIMEOUT)


def create_web_app(
    *,
    api_base_url: str | None = None,
    api_app: ASGIApp | None = None,
    secret_key: str,
    secure_cookies: bool = False,
    session_max_age: int = 8 * 3600,
    session_db: Path | None = None,
    reference_ttl: float = 60.0,
) -> FastAPI:
    """The officers' web app, an ASGI app serving pages at "/" and assets at "/static"."""
    api_http = build_api_http_client(api_base_url=api_base_url, api_app=api_app)

    @asynccontextmanager
    async def lifespan(_: FastAPI) -> AsyncIterator[None]:
        # Runs when served on its own; a parent app mounting this one should close
        # ``web_app.state.api_http`` in its own shutdown.
        yield
        await api_http.aclose()

    app = FastAPI(
        title="giamngheo web",
        docs_url=None,
        redoc_url=None,
        openapi_url=None,
        lifespan=lifespan,
        middleware=[Middleware(SecurityHeadersMiddleware)],
        dependencies=[Depends(verify_csrf)],  # every route, so none can forget it
    )
    app.state.api_http = api_http
    app.state.reference_cache = ReferenceCache(ttl=reference_ttl)
    # A session file lets every worker process see every session; memory is for one process.
    app.state.sessions = (
        SqliteSessionStore(session_db, max_age=session_max_age)
        if session_db
        else SessionStore(max_age=session_max_age)
    )
    app.state.session_cookie = SessionCookie(
        secret_key=secret_key, secure=secure_cookies, max_age=session_max_age
    )
    install_error_handlers(app)
    app.include_router(auth.router)
    app.include_router(language.router)
    app.include_router(dashboard.router)
    # Before households: "/households/new" must match ahead of "/households/{household_id}".
    app.include_router(household_forms.router)
    for screens in (
        assessments,
        members,
        visits,
        supports,
        people,
        worklist,
        reports,
        imports,
        admin_places,
        admin_users,
        admin_agencies,
        admin_policies,
        admin_targets,
    ):
        app.include_router(screens.router)
    app.include_router(households.router)
    app.mount("/static", StaticFiles(directory=STATIC_DIR), name="static")
    return app
