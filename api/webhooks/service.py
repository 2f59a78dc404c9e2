"""Agencies' webhook endpoints: register, change, rotate the secret, test, replay."""

from datetime import timedelta

from sqlmodel import Session, select

from api.audit.service import record_audit, snapshot
from api.auth.principal import Principal
from api.core.etag import bump_version
from api.errors import Conflict, Forbidden, NotFound, ValidationFailed
from api.events.catalogue import TEST_EVENT
from api.events.service import append_event
from api.models import Agency, WebhookDelivery, WebhookEndpoint
from api.models.base import new_id, utcnow
from api.settings import Settings
from api.webhooks.schemas import EndpointCreate, EndpointUpdate
from api.webhooks.signing import new_secret
from api.webhooks.urls import url_problem

ROTATION_OVERLAP = timedelta(hours=24)


def get_endpoint_or_raise(
    session: Session, endpoint_id: str, *, for_update: bool = False
) -> WebhookEndpoint:
    """An endpoint the caller may see (an agency: its own), else 404."""
    stmt = select(WebhookEndpoint).where(WebhookEndpoint.id == endpoint_id)
    if for_update:
        stmt = stmt.with_for_update()
    endpoint = session.exec(stmt).first()
    if endpoint is None:
        raise NotFound(f"No webhook endpoint with id {endpoint_id!r}.")
    return endpoint


def _check_url(url: str, settings: Settings) -> None:
    problem = url_problem(
        url, env=settings.env, allow_private=settings.webhook_allow_private_networks
    )
    if problem:
        raise ValidationFailed(f"url: {problem}.", pointer="/url")


def _changed(session, principal, endpoint, action, before=None, changed=None) -> None:
    record_audit(
        session,
        principal=principal,
        action=action,
        entity="webhook_endpoint",
        entity_id=endpoint.id,
        before=before,
        after=snapshot(endpoint) if action != "delete" else None,
    )
    data = {"endpoint_id": endpoint.id, "agency_id": endpoint.agency_id}
    if changed is not None:
        data["changed"] = changed
    kind = {"create": "created", "update": "updated", "delete": "deleted"}.get(action, action)
    append_event(
        session,
        type=f"webhook_endpoint.{kind}",
        entity_id=endpoint.id,
        place_path=None,
        data=data,
        agency_id=endpoint.agency_id,
    )


def create_endpoint(
    session: Session, *, principal: Principal, data: EndpointCreate, settings: Settings
) -> WebhookEndpoint:
    """Register an endpoint for the calling agency (an admin names the agency)."""
    if principal.kind == "agency":
        if data.agency_id not in (None, principal.id):
            raise Forbidden("An agency registers webhooks only for itself.")
        agency_id = principal.id
    elif data.agency_id is None or session.get(Agency, data.agency_id) is None:
        raise ValidationFailed("Name an existing agency.", pointer="/agency_id")
    else:
        agency_id = data.agency_id
    _check_url(data.url, settings)
    endpoint = WebhookEndpoint(
        agency_id=agency_id,
        url=data.url,
        description=data.description,
        event_types=data.event_types,
        secret=new_secret(),
    )
    session.add(endpoint)
    session.flush()
    _changed(session, principal, endpoint, "create")
    return endpoint


def update_endpoint(
    session: Session,
    *,
    principal: Principal,
    endpoint: WebhookEndpoint,
    data: EndpointUpdate,
    settings: Settings,
) -> WebhookEndpoint:
    """Change the URL, event types or description; is_active=true re-enables it."""
    before = snapshot(endpoint)
    changes = data.model_dump(exclude_unset=True)
    for name in ("url", "event_types", "is_active"):
        if name in changes and changes[name] is None:
            raise ValidationFailed(f"{name} cannot be null.", pointer=f"/{name}")
    if "url" in changes:
        _check_url(changes["url"], settings)
    for key, value in changes.items():
        setattr(endpoint, key, value)
    if changes.get("is_active") and before["is_active"] is False:
        endpoint.disabled_at = endpoint.disabled_reason = endpoint.failing_since = None
        endpoint.consecutive_failures = 0
    changed = sorted(k for k, v in snapshot(endpoint).items() if before.get(k) != v)
    if not changed:
        return endpoint
    endpoint.updated_at = utcnow()
    bump_version(endpoint)
    session.flush()
    _changed(session, principal, endpoint, "update", before, changed)
    return endpoint


def delete_endpoint(session: Session, *, principal: Principal, endpoint: WebhookEndpoint) -> None:
    """Remove an endpoint and its delivery log."""
    before = snapshot(endpoint)
    stmt = select(WebhookDelivery).where(WebhookDelivery.endpoint_id == endpoint.id)
    for delivery in session.exec(stmt):
        session.delete(delivery)
    session.flush()
    _changed(session, principal, endpoint, "delete", before)
    session.delete(endpoint)
    session.flush()


def rotate_secret(session: Session, *, principal: Principal, endpoint: WebhookEndpoint) -> str:
    """A new secret; the old one keeps signing (a second signature) for 24 hours."""
    endpoint.previous_secret = endpoint.secret
    endpoint.previous_secret_expires_at = utcnow() + ROTATION_OVERLAP
    endpoint.secret = new_secret()
    endpoint.updated_at = utcnow()
    bump_version(endpoint)
    session.flush()
    _changed(session, principal, endpoint, "update", changed=["secret"])
    return endpoint.secret


def send_test(session: Session, *, endpoint: WebhookEndpoint) -> WebhookDelivery:
    """Queue a webhook.test message to this endpoint only."""
    if not endpoint.is_active:
        raise Conflict("The endpoint is disabled; re-enable it first (is_active=true).")
    message_id = new_id("msg")
    now = utcnow()
    delivery = WebhookDelivery(
        endpoint_id=endpoint.id,
        agency_id=endpoint.agency_id,
        message_id=message_id,
        event_type=TEST_EVENT,
        payload={
            "id": message_id,
            "type": TEST_EVENT,
            "occurred_at": now.isoformat(),
            "data": {"endpoint_id": endpoint.id},
        },
        next_attempt_at=now,
    )
    session.add(delivery)
    session.flush()
    return delivery


def get_delivery_or_raise(
    session: Session, endpoint: WebhookEndpoint, delivery_id: str, *, for_update: bool = False
) -> WebhookDelivery:
    stmt = select(WebhookDelivery).where(
        WebhookDelivery.id == delivery_id, WebhookDelivery.endpoint_id == endpoint.id
    )
    if for_update:
        stmt = stmt.with_for_update()
    delivery = session.exec(stmt).first()
    if delivery is None:
        raise NotFound(f"No delivery {delivery_id!r} for this endpoint.")
    return delivery


def replay(session: Session, *, principal: Principal, delivery: WebhookDelivery) -> WebhookDelivery:
    """Send a delivery again (succeeded or failed): it goes back to pending, due now."""
    if delivery.status == "pending":
        return delivery
    before = {"status": delivery.status, "attempts": delivery.attempts}
    delivery.status = "pending"
    delivery.attempts = 0  # a fresh set of retries; the log keeps every earlier attempt
    delivery.next_attempt_at = utcnow()
    session.flush()
    record_audit(
        session,
        principal=principal,
        action="replay",
        entity="webhook_delivery",
        entity_id=delivery.id,
        before=before,
        after={"status": "pending"},
    )
    return delivery
