"""Targets the reports measure progress against: a place, a year and a maximum rate."""

from datetime import datetime

from sqlalchemy import Index, UniqueConstraint
from sqlmodel import Field, SQLModel

from api.models.base import created_field, id_field

TARGET_KINDS = ("poor", "near_poor")


class Target(SQLModel, table=True):
    """E.g. the founding letter's "about 4 % poor households in the district by 2020"."""

    __tablename__ = "targets"
    __table_args__ = (
        UniqueConstraint("place_id", "year", "kind"),
        Index(
            "ix_targets_place_path",
            "place_path",
            postgresql_ops={"place_path": "varchar_pattern_ops"},
        ),
    )

    id: str = id_field("tg")
    place_id: str = Field(foreign_key="places.id", index=True)
    place_path: str = Field(max_length=1000)
    year: int
    kind: str = Field(max_length=16)  # poor | near_poor
    # The maximum rate in hundredths of a percent (400 = 4.00 %): exact on every backend.
    max_rate_hundredths: int
    source_note: str | None = Field(default=None, max_length=500)
    created_by: str | None = Field(default=None, max_length=32)
    created_at: datetime = created_field()
    updated_at: datetime = created_field()
    version: int = 1
