"""Prometheus metrics at /metrics: request counts and latencies, webhook attempts and backlog,
import jobs.

Counters and histograms live in the process (with several uvicorn workers, `giamngheo serve`
points PROMETHEUS_MULTIPROC_DIR at a shared folder so a scrape adds up every worker). The
backlog and import gauges are read from the database at scrape time, so any worker answers
for all. Only aggregates: route templates, never ids, names or query strings. The endpoint is
open unless GIAMNGHEO_METRICS_TOKEN is set; then it needs `Authorization: Bearer <token>`.
"""

import hmac
import logging
import os
from datetime import UTC

from fastapi import APIRouter, Request
from fastapi.responses import Response
from prometheus_client import (
    CONTENT_TYPE_LATEST,
    CollectorRegistry,
    Counter,
    Histogram,
    generate_latest,
    multiprocess,
)
from prometheus_client.core import GaugeMetricFamily
from sqlalchemy import func, select
from sqlalchemy.exc import SQLAlchemyError

from api.db import close_session, metadata
from api.errors import problem_response
from api.models import WebhookDelivery
from api.models.base import utcnow

log = logging.getLogger("giamngheo.metrics")

REQUESTS = Counter(
    "giamngheo_http_requests_total", "HTTP requests answered", ["method", "route", "status"]
)
LATENCY = Histogram(
    "giamngheo_http_request_duration_seconds",
    "Time to answer an HTTP request",
    ["method", "route"],
    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30),
)
WEBHOOK_ATTEMPTS = Counter(
    "giamngheo_webhook_deliveries_total", "Webhook delivery attempts by outcome", ["outcome"]
)
IMPORT_JOBS = Counter(
    "giamngheo_import_jobs_total", "Import jobs finished by this process, by outcome", ["outcome"]
)

router = APIRouter(tags=["health"])


def observe_request(method: str, route: str, status: int, seconds: float) -> None:
    REQUESTS.labels(method, route, str(status)).inc()
    LATENCY.labels(method, route).observe(seconds)


def observe_webhook_outcomes(outcomes) -> None:
    for outcome in outcomes:
        WEBHOOK_ATTEMPTS.labels("succeeded" if outcome.ok else "failed").inc()


class DatabaseGauges:
    """Gauges read at scrape time: the webhook backlog and the import jobs by state."""

    def __init__(self, session_factory):
        self.session_factory = session_factory

    def collect(self):
        backlog = GaugeMetricFamily(
            "giamngheo_webhook_backlog", "Webhook deliveries waiting to be sent"
        )
        oldest = GaugeMetricFamily(
            "giamngheo_webhook_backlog_oldest_seconds", "Age of the oldest waiting delivery"
        )
        imports = GaugeMetricFamily(
            "giamngheo_import_jobs", "Import jobs in the database by state", labels=["state"]
        )
        session = self.session_factory(write=False)
        try:
            pending = WebhookDelivery.status == "pending"
            count, first = session.execute(
                select(func.count(), func.min(WebhookDelivery.created_at)).where(pending)
            ).one()
            for state, number in _import_jobs(session):
                imports.add_metric([str(state)], number)
        except SQLAlchemyError:
            log.warning("metrics: database unreachable")
            return
        finally:
            close_session(session)
        backlog.add_metric([], count)
        age = 0.0
        if first is not None:
            first = first if first.tzinfo else first.replace(tzinfo=UTC)  # SQLite keeps none
            age = max((utcnow() - first).total_seconds(), 0.0)
        oldest.add_metric([], age)
        yield backlog
        yield oldest
        yield imports


def _import_jobs(conn):
    """Rows of the import jobs table by state, once the imports module has one."""
    table = metadata.tables.get("import_jobs")
    if table is None:
        return []
    column = table.c.get("status", table.c.get("state"))
    if column is None:
        return []
    return list(conn.execute(select(column, func.count()).group_by(column)))


def _registry(request: Request) -> CollectorRegistry:
    registry = CollectorRegistry()
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        multiprocess.MultiProcessCollector(registry)
    else:
        for collector in (REQUESTS, LATENCY, WEBHOOK_ATTEMPTS, IMPORT_JOBS):
            registry.register(collector)
    registry.register(DatabaseGauges(request.app.state.session_factory))
    return registry


@router.get("/metrics", include_in_schema=False)
def metrics(request: Request):
    """Prometheus text format."""
    token = request.app.state.settings.metrics_token
    if token is not None:
        given = request.headers.get("authorization", "")
        expected = "Bearer " + token.get_secret_value()
        if not hmac.compare_digest(given.encode(), expected.encode()):
            return problem_response(
                401, "Authentication required", "Metrics need the bearer token.", "unauthorized"
            )
    return Response(generate_latest(_registry(request)), media_type=CONTENT_TYPE_LATEST)
