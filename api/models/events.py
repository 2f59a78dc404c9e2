"""The outbox: events appended in the same transaction as the change they describe."""

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, BigInteger, Column, FetchedValue, Index
from sqlmodel import Field, SQLModel

from api.models.audit import BigId
from api.models.base import created_field


class Event(SQLModel, table=True):
    __tablename__ = "events"
    __table_args__ = (
        Index("ix_events_xid_id", "xid", "id"),
        Index("ix_events_occurred_at", "occurred_at"),
    )

    id: int | None = Field(default=None, sa_column=Column(BigId, primary_key=True))
    type: str = Field(max_length=64, index=True)
    occurred_at: datetime = created_field()
    entity_id: str = Field(max_length=32, index=True)
    # Scope of the event: place path of the record it concerns (null = deployment-wide).
    place_path: str | None = Field(default=None, max_length=1000)
    data: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    # Set for an agency's own records (its supports): only that agency sees the event.
    agency_id: str | None = Field(default=None, max_length=32)
    # PostgreSQL: the writing transaction's id (a server default, pg_current_xact_id()). The
    # feed orders by (xid, id) and serves only finished transactions; NULL on SQLite, where
    # writers are serialised and id order is commit order. See api/events/feed.py.
    xid: int | None = Field(
        default=None, sa_column=Column(BigInteger, nullable=True, server_default=FetchedValue())
    )
