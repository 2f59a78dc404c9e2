"""The application factory: the API at /api/v1 and, mounted at /, the officers' web app."""

from pathlib import Path

from fastapi import FastAPI
from fastapi.middleware.cors import CORSMiddleware
from sqlalchemy import Engine
from starlette.routing import Match, Mount
from starlette.types import Scope

from api import health, metrics
from api.agencies.router import router as agencies_router
from api.assessments.router import router as assessments_router
from api.audit.router import router as audit_router
from api.auth.cache import PrincipalCache
from api.auth.passwords import Passwords
from api.auth.ratelimit import KeyRateLimiter
from api.auth.router import router as auth_router
from api.core.idempotency import IdempotencyMiddleware
from api.core.middleware import (
    ApiSecurityHeadersMiddleware,
    BodyLimitMiddleware,
    RequestIdMiddleware,
)
from api.core.observability import RequestLogMiddleware, configure_logging
from api.core.problems import document_problems
from api.dataprotection.router import router as dataprotection_router
from api.db import SessionFactory, make_engine, plain_session_factory
from api.duplicates.router import router as duplicates_router
from api.eligibility.router import router as eligibility_router
from api.errors import install_error_handlers
from api.events.router import router as events_router
from api.households.profile import router as household_profile_router
from api.households.router import ethnicity_router
from api.households.router import router as households_router
from api.imports.router import router as imports_router
from api.migrate import head_revisions
from api.needs.router import router as needs_router
from api.people.router import assignments_router, persons_router
from api.places.router import router as places_router
from api.policies.router import router as policies_router
from api.proposals.router import router as proposals_router
from api.reports.router import router as reports_router
from api.reports.router import targets_router
from api.settings import Settings, get_settings
from api.sponsors.router import sponsors_router, sponsorships_router
from api.standards.router import router as standards_router
from api.supports.router import router as supports_router
from api.timeline.router import router as timeline_router
from api.users.router import router as users_router
from api.visits.router import router as visits_router
from api.webhooks.router import router as webhooks_router
from api.webhooks.worker import lifespan as webhook_lifespan
from web.main import create_web_app

API_PREFIX = "/api/v1"
# Everything the web app does not serve: it sets its own headers (CSP and the rest).
NOT_WEB_PATHS = ("/api/", "/docs/", "/healthz", "/readyz", "/metrics")

DESCRIPTION = """
Households, annual poverty reviews, support from member agencies, monitoring visits and
reports for **sustainable poverty reduction** (giảm nghèo bền vững).

* Authenticate with `Authorization: Bearer <token>` (officers: `POST /api/v1/auth/token`).
  Agencies use an API key (`Bearer gn_…`) with scopes; see `GET /api/v1/agencies/scopes`.
* Errors are RFC 9457 `application/problem+json`.
* Lists use keyset pagination: `page_size`, `page_token`, `next_page_token`, `Link: rel="next"`.
* Reads carry a strong `ETag`; `PATCH`/`DELETE` need `If-Match` (428 without, 412 on mismatch).
* `POST` accepts `Idempotency-Key`: a retry with the same key and body replays the answer
  (except answers holding a new credential: those are never stored).
"""


# The domain routers, each included straight into the app under /api/v1: FastAPI matches a
# request against the routes again at every level of nested routers, which cost more CPU
# than many requests' own work.
API_ROUTERS = (
    auth_router,
    users_router,
    places_router,
    households_router,
    ethnicity_router,
    standards_router,
    assessments_router,
    needs_router,
    timeline_router,
    household_profile_router,
    agencies_router,
    policies_router,
    supports_router,
    eligibility_router,
    events_router,
    webhooks_router,
    persons_router,
    assignments_router,
    visits_router,
    sponsors_router,
    sponsorships_router,
    audit_router,
    dataprotection_router,
    reports_router,
    targets_router,
    proposals_router,
    imports_router,
    duplicates_router,
)


def create_app(
    settings: Settings | None = None,
    *,
    engine: Engine | None = None,
    session_factory: SessionFactory | None = None,
    with_web: bool = True,
) -> FastAPI:
    """Build the ASGI app; tests pass their own engine and session factory."""
    settings = settings or get_settings()
    if settings.env != "test":  # under pytest, its own handlers capture the records
        configure_logging(settings.log_level, settings.log_format)
    engine = engine or make_engine(settings.database_url)
    app = FastAPI(
        title="giamngheo API",
        version="1.0.0",
        description=DESCRIPTION,
        docs_url="/api/docs",
        redoc_url="/api/redoc",
        openapi_url="/api/openapi.json",
        lifespan=webhook_lifespan,
    )
    app.state.settings = settings
    app.state.engine = engine
    app.state.session_factory = session_factory or plain_session_factory(engine)
    app.state.passwords = Passwords(
        time_cost=settings.argon2_time_cost, memory_cost=settings.argon2_memory_cost
    )
    app.state.migration_heads = head_revisions()
    app.state.principal_cache = PrincipalCache(settings.principal_cache_seconds)
    app.state.key_limiter = KeyRateLimiter(
        per_minute=settings.api_key_rate_per_minute, burst=settings.api_key_burst
    )
    install_error_handlers(app)
    document_problems(app)
    app.include_router(health.router)
    app.include_router(metrics.router)
    for sub in API_ROUTERS:
        app.include_router(sub, prefix=API_PREFIX)

    # Added innermost first: a request passes RequestId, RequestLog, BodyLimit, headers, CORS,
    # Idempotency.
    app.add_middleware(IdempotencyMiddleware, prefix="/api/")
    if settings.cors_origins:
        app.add_middleware(
            CORSMiddleware,
            allow_origins=settings.cors_origins,
            allow_methods=["GET", "POST", "PATCH", "PUT", "DELETE"],
            allow_headers=["Authorization", "Content-Type", "If-Match", "Idempotency-Key"],
            expose_headers=["ETag", "Link", "Location", "X-Request-ID"],
        )
    app.add_middleware(ApiSecurityHeadersMiddleware, prefixes=NOT_WEB_PATHS)
    app.add_middleware(BodyLimitMiddleware, max_bytes=settings.max_body_bytes)
    app.add_middleware(RequestLogMiddleware)
    app.add_middleware(RequestIdMiddleware)

    if with_web:
        _mount_web(app, settings)
    return app


class _WebMount(Mount):
    """The web app at /, except under /api/: an unknown API path or method stays the API's
    problem+json 404 or 405 instead of the web app's HTML page."""

    def matches(self, scope: Scope) -> tuple[Match, Scope]:
        if scope["type"] == "http" and scope["path"].startswith("/api/"):
            return Match.NONE, {}
        return super().matches(scope)


def _mount_web(app: FastAPI, settings: Settings) -> None:
    """The web app is a separate client of the API; in one process it calls it in-process."""
    web = create_web_app(
        api_app=app,
        secret_key=settings.secret_key.get_secret_value(),
        secure_cookies=settings.secure_cookies,
        session_db=Path(settings.web_session_file) if settings.web_session_file else None,
    )
    app.router.routes.append(_WebMount("/", app=web))


def create_app_from_env() -> FastAPI:
    """Factory for uvicorn --factory (one per worker process)."""
    return create_app()
