"""The administrative tree: province → (district) → commune/ward/town → hamlet/quarter."""

from datetime import date, datetime

from sqlalchemy import Index
from sqlmodel import Field, SQLModel

from api.models.base import created_field, id_field

# Rank of each level: a parent always has a smaller rank. Districts may be skipped
# (since 1 July 2025 there are two levels of local government).
LEVEL_RANK = {
    "province": 1,
    "district": 2,
    "commune": 3,
    "ward": 3,
    "town": 3,
    "hamlet": 4,
    "quarter": 4,
}
COMMUNE_LEVELS = frozenset({"commune", "ward", "town"})
HOUSEHOLD_LEVELS = COMMUNE_LEVELS | {"hamlet", "quarter"}


class Place(SQLModel, table=True):
    __tablename__ = "places"
    __table_args__ = (
        Index("ix_places_path", "path", postgresql_ops={"path": "varchar_pattern_ops"}),
    )

    id: str = id_field("pl")
    code: str = Field(max_length=32, unique=True)
    name: str = Field(max_length=200)
    name_search: str = Field(max_length=200, index=True)
    level: str = Field(max_length=16, index=True)
    parent_id: str | None = Field(default=None, foreign_key="places.id", index=True)
    # Materialised path "/pl_a/pl_b/" of ids from the root: subtree = path prefix.
    path: str = Field(max_length=1000)
    area: str | None = Field(default=None, max_length=8)
    valid_from: date | None = None
    valid_to: date | None = None
    merged_into_id: str | None = Field(default=None, foreign_key="places.id")
    created_at: datetime = created_field()
    updated_at: datetime = created_field()
    version: int = 1
