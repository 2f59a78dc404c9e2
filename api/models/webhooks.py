"""Agencies' webhook endpoints, the deliveries to them, and the fan-out position."""

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, BigInteger, Column, Index, Integer, UniqueConstraint
from sqlmodel import Field, SQLModel

from api.models.base import created_field, id_field, timestamp_field

DELIVERY_STATUSES = ("pending", "succeeded", "failed")


class WebhookEndpoint(SQLModel, table=True):
    __tablename__ = "webhook_endpoints"

    id: str = id_field("wh")
    agency_id: str = Field(foreign_key="agencies.id", index=True)
    url: str = Field(max_length=2000)
    description: str | None = Field(default=None, max_length=300)
    event_types: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    # The signing secret "whsec_<base64>"; the previous one keeps signing for a while after a
    # rotation, so receivers can switch without losing messages.
    secret: str = Field(max_length=100)
    previous_secret: str | None = Field(default=None, max_length=100)
    previous_secret_expires_at: datetime | None = timestamp_field()
    is_active: bool = True
    disabled_reason: str | None = Field(default=None, max_length=300)
    disabled_at: datetime | None = timestamp_field()
    consecutive_failures: int = 0
    failing_since: datetime | None = timestamp_field()
    created_at: datetime = created_field()
    updated_at: datetime = created_field()
    version: int = 1


class WebhookDelivery(SQLModel, table=True):
    """One message to one endpoint, with every attempt to send it."""

    __tablename__ = "webhook_deliveries"
    __table_args__ = (
        UniqueConstraint("endpoint_id", "message_id"),
        Index("ix_webhook_deliveries_due", "status", "next_attempt_at"),
    )

    id: str = id_field("whd")
    endpoint_id: str = Field(foreign_key="webhook_endpoints.id", index=True)
    agency_id: str = Field(max_length=32, index=True)
    # The webhook-id header: the event's id, the same on every retry.
    message_id: str = Field(max_length=40)
    event_type: str = Field(max_length=64)
    payload: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    status: str = Field(default="pending", max_length=16)
    attempts: int = 0
    next_attempt_at: datetime = created_field()
    last_attempt_at: datetime | None = timestamp_field()
    last_status_code: int | None = None
    last_error: str | None = Field(default=None, max_length=500)
    delivered_at: datetime | None = timestamp_field()
    log: list[dict[str, Any]] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    created_at: datetime = created_field()


class WebhookCursor(SQLModel, table=True):
    """How far the fan-out has read the outbox (one row; locked by the process fanning out)."""

    __tablename__ = "webhook_cursor"

    id: int = Field(default=1, sa_column=Column(Integer, primary_key=True, autoincrement=False))
    last_xid: int | None = Field(default=None, sa_column=Column(BigInteger))
    last_event_id: int = Field(default=0, sa_column=Column(BigInteger, nullable=False))
    updated_at: datetime = created_field()
