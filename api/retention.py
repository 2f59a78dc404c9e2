"""Retention (`giamngheo purge`): rows kept only as long as the settings say.

audit_log            GIAMNGHEO_AUDIT_RETENTION_DAYS (5 years; 0 keeps it forever)
events, deliveries   GIAMNGHEO_EVENTS_RETENTION_DAYS (30 days; finished deliveries as long)
idempotency_keys     their own expiry, GIAMNGHEO_IDEMPOTENCY_TTL_HOURS after the request
auth_tokens          GIAMNGHEO_TOKEN_RETENTION_DAYS after they expired or were revoked
login_throttle       counters whose window and lock are both over
"""

from datetime import timedelta

from sqlalchemy import delete, or_
from sqlmodel import Session

from api.events import feed
from api.models import (
    AuditEntry,
    AuthToken,
    IdempotencyRecord,
    LoginThrottle,
    WebhookDelivery,
)
from api.models.base import utcnow
from api.settings import Settings


def _delete(session: Session, model, *where) -> int:
    stmt = delete(model).where(*where).execution_options(synchronize_session=False)
    return session.execute(stmt).rowcount or 0


def purge(session: Session, settings: Settings) -> dict[str, int]:
    """Delete what is past retention; the caller commits. Returns rows deleted per table."""
    now = utcnow()
    counts = {}
    if settings.audit_retention_days > 0:
        cutoff = now - timedelta(days=settings.audit_retention_days)
        counts["audit_log"] = _delete(session, AuditEntry, AuditEntry.occurred_at < cutoff)
    counts["events"] = feed.purge_expired(session, retention_days=settings.events_retention_days)
    old = now - timedelta(days=settings.events_retention_days)
    counts["webhook_deliveries"] = _delete(
        session,
        WebhookDelivery,
        WebhookDelivery.status != "pending",
        WebhookDelivery.created_at < old,
    )
    counts["idempotency_keys"] = _delete(
        session, IdempotencyRecord, IdempotencyRecord.expires_at <= now
    )
    spent = now - timedelta(days=settings.token_retention_days)
    counts["auth_tokens"] = _delete(
        session,
        AuthToken,
        or_(AuthToken.expires_at < spent, AuthToken.revoked_at < spent),
    )
    window = now - timedelta(seconds=settings.login_failure_window_seconds)
    counts["login_throttle"] = _delete(
        session,
        LoginThrottle,
        LoginThrottle.window_started_at < window,
        or_(LoginThrottle.locked_until.is_(None), LoginThrottle.locked_until < now),
    )
    session.flush()
    return counts
