"""Households, their members and their moves between places."""

from datetime import date, datetime
from typing import Any

from sqlalchemy import JSON, Column, Index, Text, UniqueConstraint, event, text
from sqlmodel import Field, SQLModel

from api.core.dates import today_in_vietnam
from api.core.text import fold
from api.models.base import created_field, id_field, timestamp_field


class Household(SQLModel, table=True):
    __tablename__ = "households"
    __table_args__ = (
        UniqueConstraint("commune_id", "code"),
        # Prefix LIKE on PostgreSQL needs pattern ops whatever the database's collation.
        Index(
            "ix_households_place_path",
            "place_path",
            postgresql_ops={"place_path": "varchar_pattern_ops"},
        ),
        # Performance (issue 9, migration 0007). Name search is `search_text LIKE '%q%'`: a
        # trigram index serves it on PostgreSQL (SQLite scans; the index is not made there).
        Index(
            "ix_households_search_trgm",
            "search_text",
            postgresql_using="gin",
            postgresql_ops={"search_text": "gin_trgm_ops"},
            info={"only_on": "postgresql"},  # read by migrations/env.py
        ).ddl_if(dialect="postgresql"),
        # A commune's households in keyset order, and its visits due (the worklist's order).
        Index(
            "ix_households_commune_active",
            "commune_id",
            "id",
            postgresql_where=text("archived_at IS NULL"),
            sqlite_where=text("archived_at IS NULL"),
        ),
        Index(
            "ix_households_commune_due",
            "commune_id",
            "next_visit_due_on",
            "id",
            postgresql_where=text("archived_at IS NULL AND next_visit_due_on IS NOT NULL"),
            sqlite_where=text("archived_at IS NULL AND next_visit_due_on IS NOT NULL"),
        ),
    )

    id: str = id_field("hh")
    code: str = Field(max_length=32)
    commune_id: str = Field(foreign_key="places.id", index=True)
    place_id: str = Field(foreign_key="places.id", index=True)
    # Copy of the place's path: scoping and subtree filters need no join.
    place_path: str = Field(max_length=1000)
    head_name: str = Field(max_length=200)
    ethnicity: str = Field(max_length=32, index=True)
    address: str | None = Field(default=None, max_length=300)
    phone: str | None = Field(default=None, max_length=20)
    # Current status, set only by recognised assessments (api/assessments/recognition.py).
    status: str = Field(default="unclassified", max_length=16, index=True)
    status_since: date | None = None
    without_labour_capacity: bool = False
    meritorious_service: bool = False
    social_protection: bool = False
    notes: str | None = Field(default=None, max_length=2000)
    archived_at: datetime | None = timestamp_field(index=True)
    archived_reason: str | None = Field(default=None, max_length=300)
    # A household's first day on the register: reports count it from that year on (issue 6).
    registered_on: date = Field(default_factory=today_in_vietnam, index=True)
    # Set when the household was merged into another one as its duplicate (then archived).
    merged_into_id: str | None = Field(default=None, foreign_key="households.id")
    # Derived, kept fresh by api/risk/freshness.py: the follow-up schedule's next due date and
    # the re-poverty early warning (None when the household is not escaped or near-poor).
    next_visit_due_on: date | None = Field(default=None, index=True)
    risk_score: int | None = Field(default=None, index=True)
    risk_reasons: list[dict[str, Any]] = Field(
        default_factory=list, sa_column=Column(JSON, nullable=False, server_default="[]")
    )
    risk_as_of: date | None = None
    # Names and code without case or diacritics, for search on every backend.
    search_text: str = Field(default="", sa_column=Column(Text, nullable=False))
    created_at: datetime = created_field()
    updated_at: datetime = created_field()
    version: int = 1


class Member(SQLModel, table=True):
    __tablename__ = "members"
    # Possible duplicates: the same unaccented name and birth year (api/duplicates).
    __table_args__ = (Index("ix_members_name_search_birth_year", "name_search", "birth_year"),)

    id: str = id_field("mb")
    household_id: str = Field(foreign_key="households.id", index=True)
    full_name: str = Field(max_length=200)
    # full_name without case or diacritics, kept by the listeners below.
    name_search: str = Field(default="", max_length=200, sa_column_kwargs={"server_default": ""})
    gender: str = Field(max_length=8)
    birth_year: int
    relation: str = Field(max_length=16)
    ethnicity: str | None = Field(default=None, max_length=32)
    citizen_id: str | None = Field(default=None, max_length=12, unique=True)
    education_level: str | None = Field(default=None, max_length=24)
    in_school: bool | None = None
    has_health_insurance: bool | None = None
    can_work: bool | None = None
    disability: bool | None = None
    left_on: date | None = None
    left_reason: str | None = Field(default=None, max_length=300)
    created_at: datetime = created_field()
    updated_at: datetime = created_field()
    version: int = 1


class HouseholdMove(SQLModel, table=True):
    """A household moved from one place to another: the history stays readable."""

    __tablename__ = "household_moves"

    id: str = id_field("mv")
    household_id: str = Field(foreign_key="households.id", index=True)
    from_place_id: str = Field(foreign_key="places.id")
    to_place_id: str = Field(foreign_key="places.id")
    moved_at: datetime = created_field()
    reason: str | None = Field(default=None, max_length=300)
    actor_id: str | None = Field(default=None, max_length=32)


@event.listens_for(Member, "before_insert")
@event.listens_for(Member, "before_update")
def _fold_member_name(_mapper, _connection, member: Member) -> None:
    member.name_search = fold(member.full_name)[:200]
