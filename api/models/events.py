"""The outbox: events appended in the same transaction as the change they describe."""

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Column
from sqlmodel import Field, SQLModel

from api.models.audit import BigId
from api.models.base import created_field


class Event(SQLModel, table=True):
    __tablename__ = "events"

    id: int | None = Field(default=None, sa_column=Column(BigId, primary_key=True))
    type: str = Field(max_length=64, index=True)
    occurred_at: datetime = created_field()
    entity_id: str = Field(max_length=32, index=True)
    # Scope of the event: place path of the record it concerns (null = deployment-wide).
    place_path: str | None = Field(default=None, max_length=1000)
    data: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
