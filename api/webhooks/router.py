"""/api/v1/webhooks: an agency's endpoints, their secrets and their delivery log."""

from typing import Annotated, Literal

from fastapi import APIRouter, Depends, Query, Request, Response, status
from sqlmodel import select

from api.auth.principal import Principal
from api.core.etag import require_if_match, set_etag
from api.core.idempotency import SecretAnswer
from api.core.pagination import PageParams, page_params, paginate
from api.db import SessionDep
from api.deps import SettingsDep, document_scopes, require_scope
from api.models import WebhookDelivery, WebhookEndpoint
from api.webhooks import service
from api.webhooks.schemas import (
    DeliveryDetail,
    DeliveryPage,
    EndpointCreate,
    EndpointList,
    EndpointPublic,
    EndpointUpdate,
    EndpointWithSecret,
)

router = APIRouter(prefix="/webhooks", tags=["webhooks"])

WebhookManager = Annotated[
    Principal, require_scope("webhooks:write", roles=("admin",), whole_deployment=True)
]


@router.post(
    "",
    response_model=EndpointWithSecret,
    status_code=status.HTTP_201_CREATED,
    dependencies=[SecretAnswer],
)
def create_endpoint(
    data: EndpointCreate,
    session: SessionDep,
    settings: SettingsDep,
    principal: WebhookManager,
    response: Response,
):
    """Register an HTTPS endpoint for some event types; the signing secret is shown once.

    Deliveries carry the feed's envelope `{id, type, occurred_at, data}`, signed per Standard
    Webhooks (`webhook-id`, `webhook-timestamp`, `webhook-signature: v1,<base64 HMAC-SHA256 of
    "id.timestamp.body">`). Answer 2xx within 10 s; anything else is retried with exponential
    backoff and jitter; an endpoint failing for a day is disabled (re-enable it with PATCH).

    The answer holds the secret, so it is never stored for an `Idempotency-Key`: a retry
    registers another endpoint with its own secret. If a retry follows an answer that was
    lost, delete the spare endpoint (see GET /api/v1/webhooks)."""
    endpoint = service.create_endpoint(session, principal=principal, data=data, settings=settings)
    set_etag(response, endpoint)
    response.headers["Location"] = f"/api/v1/webhooks/{endpoint.id}"
    return endpoint


@router.get("", response_model=EndpointList)
def list_endpoints(session: SessionDep, principal: WebhookManager):
    """The agency's endpoints (administrators: every agency's)."""
    stmt = select(WebhookEndpoint).order_by(WebhookEndpoint.created_at, WebhookEndpoint.id)
    return {"items": list(session.exec(stmt))}


@router.get("/{endpoint_id}", response_model=EndpointPublic)
def read_endpoint(
    endpoint_id: str, session: SessionDep, principal: WebhookManager, response: Response
):
    endpoint = service.get_endpoint_or_raise(session, endpoint_id)
    set_etag(response, endpoint)
    return endpoint


@router.patch("/{endpoint_id}", response_model=EndpointPublic)
def update_endpoint(
    endpoint_id: str,
    data: EndpointUpdate,
    request: Request,
    response: Response,
    session: SessionDep,
    settings: SettingsDep,
    principal: WebhookManager,
):
    """Change URL, event types or description, or re-enable (is_active=true); needs If-Match."""
    endpoint = service.get_endpoint_or_raise(session, endpoint_id, for_update=True)
    require_if_match(request, endpoint)
    endpoint = service.update_endpoint(
        session, principal=principal, endpoint=endpoint, data=data, settings=settings
    )
    set_etag(response, endpoint)
    return endpoint


@router.delete("/{endpoint_id}", status_code=status.HTTP_204_NO_CONTENT)
def delete_endpoint(
    endpoint_id: str, request: Request, session: SessionDep, principal: WebhookManager
):
    """Remove an endpoint and its delivery log (needs If-Match)."""
    endpoint = service.get_endpoint_or_raise(session, endpoint_id, for_update=True)
    require_if_match(request, endpoint)
    service.delete_endpoint(session, principal=principal, endpoint=endpoint)
    return Response(status_code=204)


@router.post(
    "/{endpoint_id}/rotate-secret", response_model=EndpointWithSecret, dependencies=[SecretAnswer]
)
def rotate_secret(
    endpoint_id: str, session: SessionDep, principal: WebhookManager, response: Response
):
    """A new signing secret (shown once); the old one also signs for 24 hours.

    The answer holds the secret, so it is never stored for an `Idempotency-Key`: a retry
    rotates again. Verify with the secret of the answer you received; if an earlier answer
    was lost, the secret you had before it stops signing at once (the lost one took its
    24-hour place)."""
    endpoint = service.get_endpoint_or_raise(session, endpoint_id, for_update=True)
    secret = service.rotate_secret(session, principal=principal, endpoint=endpoint)
    set_etag(response, endpoint)
    return {**endpoint.model_dump(), "secret": secret}


@router.post(
    "/{endpoint_id}/test", response_model=DeliveryDetail, status_code=status.HTTP_202_ACCEPTED
)
def send_test(endpoint_id: str, session: SessionDep, principal: WebhookManager):
    """Queue a `webhook.test` message to this endpoint; watch it in the delivery log."""
    endpoint = service.get_endpoint_or_raise(session, endpoint_id)
    return service.send_test(session, endpoint=endpoint)


@router.get(
    "/{endpoint_id}/deliveries", response_model=DeliveryPage, response_model_exclude_unset=True
)
def list_deliveries(
    endpoint_id: str,
    request: Request,
    response: Response,
    session: SessionDep,
    principal: WebhookManager,
    page: Annotated[PageParams, Depends(page_params)],
    status_: Literal["pending", "succeeded", "failed"] | None = Query(None, alias="status"),
    event_type: str | None = Query(None, max_length=64),
):
    """The delivery log, newest first."""
    endpoint = service.get_endpoint_or_raise(session, endpoint_id)
    stmt = select(WebhookDelivery).where(WebhookDelivery.endpoint_id == endpoint.id)
    if status_ is not None:
        stmt = stmt.where(WebhookDelivery.status == status_)
    if event_type is not None:
        stmt = stmt.where(WebhookDelivery.event_type == event_type)
    return paginate(
        session,
        stmt,
        order=[(WebhookDelivery.id, True)],
        params=page,
        request=request,
        response=response,
    )


@router.get("/{endpoint_id}/deliveries/{delivery_id}", response_model=DeliveryDetail)
def read_delivery(
    endpoint_id: str, delivery_id: str, session: SessionDep, principal: WebhookManager
):
    """One delivery with its payload and every attempt."""
    endpoint = service.get_endpoint_or_raise(session, endpoint_id)
    return service.get_delivery_or_raise(session, endpoint, delivery_id)


@router.post(
    "/{endpoint_id}/deliveries/{delivery_id}/replay",
    response_model=DeliveryDetail,
    status_code=status.HTTP_202_ACCEPTED,
)
def replay_delivery(
    endpoint_id: str, delivery_id: str, session: SessionDep, principal: WebhookManager
):
    """Send a delivery again (same webhook-id: the receiver can deduplicate)."""
    endpoint = service.get_endpoint_or_raise(session, endpoint_id)
    delivery = service.get_delivery_or_raise(session, endpoint, delivery_id, for_update=True)
    return service.replay(session, principal=principal, delivery=delivery)


document_scopes(router)
