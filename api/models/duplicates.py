"""Pairs of possible duplicates an officer looked at and said are two different records."""

from datetime import datetime

from sqlalchemy import UniqueConstraint
from sqlmodel import Field, SQLModel

from api.models.base import created_field, id_field

DUPLICATE_KINDS = ("household", "member")


class DuplicateDismissal(SQLModel, table=True):
    __tablename__ = "duplicate_dismissals"
    __table_args__ = (UniqueConstraint("kind", "first_id", "second_id"),)

    id: str = id_field("dd")
    kind: str = Field(max_length=16)
    # The two ids in sorted order, so a pair is one row whichever way it was named.
    first_id: str = Field(max_length=32)
    second_id: str = Field(max_length=32)
    place_path: str | None = Field(default=None, max_length=1000)
    reason: str = Field(max_length=500)
    dismissed_by: str | None = Field(default=None, max_length=32)
    created_at: datetime = created_field()
