"""Shapes of /api/v1/webhooks and its delivery log."""

from datetime import datetime
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, field_validator

from api.events.catalogue import known_pattern

STRICT = ConfigDict(extra="forbid", str_strip_whitespace=True)


def _known_types(types: list[str] | None) -> list[str] | None:
    if types is None:
        return None
    unknown = [t for t in types if not known_pattern(t)]
    if unknown:
        raise ValueError(f"unknown event types {unknown} (see GET /api/v1/events/types)")
    return sorted(set(types))


class EndpointCreate(BaseModel):
    model_config = STRICT

    url: str = Field(max_length=2000, description="HTTPS (plain HTTP only to loopback in dev)")
    event_types: list[str] = Field(
        min_length=1, max_length=50, description='Exact types, "prefix.*" or "*"'
    )
    description: str | None = Field(default=None, max_length=300)
    agency_id: str | None = Field(
        default=None, max_length=32, description="Administrators only: the owning agency"
    )

    _types = field_validator("event_types")(_known_types)


class EndpointUpdate(BaseModel):
    model_config = STRICT

    url: str | None = Field(default=None, max_length=2000)
    event_types: list[str] | None = Field(default=None, min_length=1, max_length=50)
    description: str | None = Field(default=None, max_length=300)
    is_active: bool | None = Field(default=None, description="true re-enables a disabled one")

    _types = field_validator("event_types")(_known_types)


class EndpointPublic(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: str
    agency_id: str
    url: str
    description: str | None
    event_types: list[str]
    is_active: bool
    disabled_reason: str | None
    disabled_at: datetime | None
    consecutive_failures: int
    created_at: datetime
    updated_at: datetime


class EndpointWithSecret(EndpointPublic):
    secret: str = Field(description="whsec_…: shown once; verify signatures with it")


class EndpointList(BaseModel):
    items: list[EndpointPublic]


class DeliveryPublic(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: str
    endpoint_id: str
    message_id: str = Field(description="The webhook-id header (the event's id)")
    event_type: str
    status: str = Field(description="pending | succeeded | failed (gave up)")
    attempts: int
    next_attempt_at: datetime
    last_attempt_at: datetime | None
    last_status_code: int | None
    last_error: str | None
    delivered_at: datetime | None
    created_at: datetime


class DeliveryDetail(DeliveryPublic):
    payload: dict[str, Any]
    log: list[dict[str, Any]] = Field(description="Every attempt: at, status_code, error, ms")


class DeliveryPage(BaseModel):
    items: list[DeliveryPublic]
    next_page_token: str | None
    total: int | None = None
