"""Recording what each webhook attempt did: delivered, retry later, give up, disable."""

from collections.abc import Callable
from datetime import timedelta

from sqlmodel import Session, select

from api.audit.service import record_audit
from api.auth.principal import SYSTEM
from api.db import SessionFactory, close_session
from api.events.service import append_event
from api.models import WebhookDelivery, WebhookEndpoint
from api.models.base import utcnow
from api.settings import Settings

LOG_LENGTH = 20


def _disable(session: Session, endpoint: WebhookEndpoint, reason: str) -> None:
    endpoint.is_active = False
    endpoint.disabled_at = utcnow()
    endpoint.disabled_reason = reason[:300]
    endpoint.version += 1
    record_audit(
        session,
        principal=SYSTEM,
        action="disable",
        entity="webhook_endpoint",
        entity_id=endpoint.id,
        after={"is_active": False, "disabled_reason": endpoint.disabled_reason},
    )
    append_event(
        session,
        type="webhook_endpoint.disabled",
        entity_id=endpoint.id,
        place_path=None,
        data={"endpoint_id": endpoint.id, "agency_id": endpoint.agency_id, "reason": reason},
        agency_id=endpoint.agency_id,
    )


def _apply(session, settings, endpoint, delivery, outcome, backoff) -> None:
    now = utcnow()
    delivery.attempts += 1
    delivery.last_attempt_at = outcome.at
    delivery.last_status_code = outcome.status_code
    delivery.last_error = outcome.error
    entry = {
        "at": outcome.at.isoformat(),
        "status_code": outcome.status_code,
        "error": outcome.error,
        "ms": outcome.ms,
    }
    delivery.log = [*delivery.log, entry][-LOG_LENGTH:]
    if outcome.ok:
        delivery.status = "succeeded"
        delivery.delivered_at = now
        endpoint.consecutive_failures = 0
        endpoint.failing_since = None
        return
    if delivery.attempts >= settings.webhook_max_attempts:
        delivery.status = "failed"
    else:
        delivery.next_attempt_at = now + timedelta(seconds=backoff(delivery.attempts, settings))
    endpoint.consecutive_failures += 1
    endpoint.failing_since = endpoint.failing_since or outcome.at
    failing_for = (now - endpoint.failing_since).total_seconds()
    if (
        endpoint.is_active
        and endpoint.consecutive_failures >= settings.webhook_disable_after_failures
        and failing_for >= settings.webhook_disable_after_seconds
    ):
        _disable(
            session,
            endpoint,
            f"{endpoint.consecutive_failures} failed attempts in a row since "
            f"{endpoint.failing_since.isoformat()} (last: {outcome.error or outcome.status_code})",
        )


def record_outcomes(
    session_factory: SessionFactory,
    settings: Settings,
    outcomes: list,
    *,
    backoff: Callable[[int, Settings], float],
) -> None:
    """One transaction for the batch; rows locked in a fixed order (no deadlocks)."""
    session = session_factory(write=True)
    try:
        endpoints: dict[str, WebhookEndpoint | None] = {}
        ordered = sorted(outcomes, key=lambda o: (o.claim.endpoint_id, o.claim.delivery_id))
        for outcome in ordered:
            endpoint_id = outcome.claim.endpoint_id
            if endpoint_id not in endpoints:
                stmt = select(WebhookEndpoint).where(WebhookEndpoint.id == endpoint_id)
                endpoints[endpoint_id] = session.exec(stmt.with_for_update()).first()
            stmt = select(WebhookDelivery).where(WebhookDelivery.id == outcome.claim.delivery_id)
            delivery = session.exec(stmt.with_for_update()).first()
            endpoint = endpoints[endpoint_id]
            if delivery is None or endpoint is None:
                continue  # deleted meanwhile
            _apply(session, settings, endpoint, delivery, outcome, backoff)
        session.commit()
    finally:
        close_session(session)
