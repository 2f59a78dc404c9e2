"""Stored responses of POST requests sent with an Idempotency-Key."""

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Column, LargeBinary, UniqueConstraint
from sqlmodel import Field, SQLModel

from api.models.base import created_field, id_field, timestamp_field


class IdempotencyRecord(SQLModel, table=True):
    __tablename__ = "idempotency_keys"
    __table_args__ = (UniqueConstraint("caller", "key"),)

    id: str = id_field("idk")
    caller: str = Field(max_length=64)
    key: str = Field(max_length=255)
    request_hash: str = Field(max_length=64)
    state: str = Field(max_length=16)  # running | done
    response_status: int | None = None
    response_headers: list[Any] | None = Field(default=None, sa_column=Column(JSON))
    response_body: bytes | None = Field(default=None, sa_column=Column(LargeBinary))
    created_at: datetime = created_field()
    locked_at: datetime = created_field()
    expires_at: datetime = timestamp_field(nullable=False, index=True)
