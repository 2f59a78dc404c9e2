"""The webhook worker: a background thread of each server process, never the request.

Each round: fan out new events to deliveries, then send the deliveries that are due. A due
delivery is claimed in a short transaction (``FOR UPDATE SKIP LOCKED`` on PostgreSQL, so two
processes never take the same one; SQLite serialises writers) by pushing its next attempt a
lease into the future; it is then sent with no transaction open, and the outcome recorded.
A process that dies mid-send leaves it to be retried when the lease ends (at least once).
Failures back off exponentially with jitter; after ``webhook_max_attempts`` the delivery is
``failed`` (replayable); an endpoint failing ``webhook_disable_after_failures`` times in a row
over ``webhook_disable_after_seconds`` is disabled.
"""

import json
import logging
import random
import threading
import time
from collections.abc import AsyncIterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import datetime, timedelta

import httpx
from fastapi import FastAPI
from sqlmodel import select

from api.db import SessionFactory, close_session
from api.events import feed
from api.metrics import observe_webhook_outcomes
from api.models import WebhookDelivery, WebhookEndpoint
from api.models.base import utcnow
from api.settings import Settings
from api.webhooks import fanout
from api.webhooks.outcomes import record_outcomes
from api.webhooks.signing import signed_headers
from api.webhooks.urls import resolve_problem

log = logging.getLogger("giamngheo.webhooks")
USER_AGENT = "giamngheo-webhooks/1"
PURGE_EVERY = 3600.0


@dataclass
class Claim:
    delivery_id: str
    endpoint_id: str
    url: str
    secrets: list[str]
    message_id: str
    body: bytes


@dataclass
class Outcome:
    claim: Claim
    at: datetime
    status_code: int | None
    error: str | None
    ms: int

    @property
    def ok(self) -> bool:
        return self.status_code is not None and 200 <= self.status_code < 300


def backoff_seconds(attempt: int, settings: Settings) -> float:
    """Exponential (base · 2^(attempt-1), capped) with equal jitter: half fixed, half random."""
    delay = min(
        settings.webhook_backoff_max_seconds,
        settings.webhook_backoff_base_seconds * 2 ** max(attempt - 1, 0),
    )
    return delay / 2 + random.uniform(0, delay / 2)


def _claim(session_factory: SessionFactory, settings: Settings, limit: int) -> list[Claim]:
    session = session_factory(write=True)
    try:
        now = utcnow()
        stmt = (
            select(WebhookDelivery, WebhookEndpoint)
            .join(WebhookEndpoint, WebhookEndpoint.id == WebhookDelivery.endpoint_id)
            .where(
                WebhookDelivery.status == "pending",
                WebhookDelivery.next_attempt_at <= now,
                WebhookEndpoint.is_active,
            )
            .order_by(WebhookDelivery.next_attempt_at, WebhookDelivery.id)
            .limit(limit)
            .with_for_update(skip_locked=True, of=WebhookDelivery)
        )
        lease = now + timedelta(seconds=settings.webhook_timeout_seconds + 30)
        claims = []
        for delivery, endpoint in session.exec(stmt):
            delivery.next_attempt_at = lease
            secrets = [endpoint.secret]
            expires = endpoint.previous_secret_expires_at
            if endpoint.previous_secret and expires and expires > now:
                secrets.append(endpoint.previous_secret)
            body = json.dumps(delivery.payload, ensure_ascii=False, separators=(",", ":"))
            claims.append(
                Claim(
                    delivery_id=delivery.id,
                    endpoint_id=endpoint.id,
                    url=endpoint.url,
                    secrets=secrets,
                    message_id=delivery.message_id,
                    body=body.encode(),
                )
            )
        session.commit()
        return claims
    finally:
        close_session(session)


def _send(client: httpx.Client, claim: Claim, settings: Settings) -> Outcome:
    started = time.monotonic()
    at = utcnow()
    problem = resolve_problem(
        claim.url, env=settings.env, allow_private=settings.webhook_allow_private_networks
    )
    if problem:
        return Outcome(claim, at, None, f"refused: {problem}", 0)
    timestamp = int(time.time())
    headers = {
        "content-type": "application/json",
        "user-agent": USER_AGENT,
        **signed_headers(
            claim.secrets, msg_id=claim.message_id, timestamp=timestamp, body=claim.body
        ),
    }
    try:
        response = client.post(claim.url, content=claim.body, headers=headers)
        error = None if response.is_success else response.text[:200] or response.reason_phrase
        status_code = response.status_code
    except httpx.HTTPError as exc:
        status_code, error = None, f"{type(exc).__name__}: {exc}"[:300]
    return Outcome(claim, at, status_code, error, int((time.monotonic() - started) * 1000))


def deliver_due(
    session_factory: SessionFactory,
    settings: Settings,
    *,
    limit: int = 100,
    client: httpx.Client | None = None,
) -> dict[str, int]:
    """Claim the due deliveries, send them (in parallel), record what happened."""
    claims = _claim(session_factory, settings, limit)
    if not claims:
        return {"sent": 0, "succeeded": 0, "failed": 0}
    own_client = client is None
    client = client or httpx.Client(
        timeout=settings.webhook_timeout_seconds, follow_redirects=False, trust_env=False
    )
    try:
        workers = max(1, min(settings.webhook_concurrency, len(claims)))
        with ThreadPoolExecutor(max_workers=workers) as pool:
            outcomes = list(pool.map(lambda c: _send(client, c, settings), claims))
    finally:
        if own_client:
            client.close()
    record_outcomes(session_factory, settings, outcomes, backoff=backoff_seconds)
    observe_webhook_outcomes(outcomes)
    succeeded = sum(1 for o in outcomes if o.ok)
    return {"sent": len(outcomes), "succeeded": succeeded, "failed": len(outcomes) - succeeded}


def purge(session_factory: SessionFactory, settings: Settings) -> None:
    """Events past retention, and finished deliveries as old."""
    session = session_factory(write=True)
    try:
        feed.purge_expired(session, retention_days=settings.events_retention_days)
        cutoff = utcnow() - timedelta(days=settings.events_retention_days)
        stmt = select(WebhookDelivery).where(
            WebhookDelivery.status != "pending", WebhookDelivery.created_at < cutoff
        )
        for delivery in session.exec(stmt.limit(5000)):
            session.delete(delivery)
        session.commit()
    finally:
        close_session(session)


class WebhookWorker:
    """The loop in a daemon thread: fan out, deliver, now and then purge; stop on request."""

    def __init__(self, session_factory: SessionFactory, settings: Settings):
        self.session_factory = session_factory
        self.settings = settings
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="webhook-worker", daemon=True)
        self._last_purge = 0.0

    def start(self) -> None:
        self._thread.start()

    def stop(self, timeout: float = 15.0) -> None:
        self._stop.set()
        self._thread.join(timeout)

    def run_once(self, client: httpx.Client) -> bool:
        """One round; True when there was work (then the next round starts at once)."""
        queued = fanout.fan_out(self.session_factory)
        sent = deliver_due(self.session_factory, self.settings, client=client)["sent"]
        if time.monotonic() - self._last_purge > PURGE_EVERY:
            self._last_purge = time.monotonic()
            purge(self.session_factory, self.settings)
        return queued > 0 or sent > 0

    def _run(self) -> None:
        timeout = self.settings.webhook_timeout_seconds
        with httpx.Client(timeout=timeout, follow_redirects=False, trust_env=False) as client:
            while not self._stop.is_set():
                busy = False
                try:
                    busy = self.run_once(client)
                except Exception:
                    log.exception("webhook worker round failed")
                self._stop.wait(0 if busy else self.settings.webhook_poll_seconds)


def worker_enabled(settings: Settings) -> bool:
    """Explicitly set, or on everywhere but in tests (which call the functions directly)."""
    if settings.webhook_worker_enabled is not None:
        return settings.webhook_worker_enabled
    return settings.env != "test"


@asynccontextmanager
async def lifespan(app: FastAPI) -> AsyncIterator[None]:
    """Start the worker with the app (unless disabled), stop it on shutdown."""
    worker = None
    if worker_enabled(app.state.settings):
        worker = WebhookWorker(app.state.session_factory, app.state.settings)
        worker.start()
    app.state.webhook_worker = worker
    try:
        yield
    finally:
        if worker is not None:
            worker.stop()
