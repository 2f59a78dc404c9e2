"""Annual and ad-hoc reviews, their life-cycle steps, status history and needs."""

from datetime import date, datetime
from typing import Any

from sqlalchemy import JSON, BigInteger, Column, Index, text
from sqlmodel import Field, SQLModel

from api.models.base import created_field, id_field, timestamp_field

# draft -> surveyed -> agreed (hamlet meeting, >= 50 %) -> posted -> recognised | rejected
ASSESSMENT_STATES = ("draft", "surveyed", "agreed", "posted", "recognised", "rejected")
FINAL_STATES = frozenset({"recognised", "rejected"})


class Assessment(SQLModel, table=True):
    __tablename__ = "assessments"
    __table_args__ = (
        # One recognised periodic review per household and year (ad-hoc ones may be several).
        Index(
            "uq_assessments_recognised_periodic",
            "household_id",
            "year",
            unique=True,
            postgresql_where=text("state = 'recognised' AND kind = 'periodic'"),
            sqlite_where=text("state = 'recognised' AND kind = 'periodic'"),
        ),
        Index(
            "ix_assessments_place_path",
            "place_path",
            postgresql_ops={"place_path": "varchar_pattern_ops"},
        ),
    )

    id: str = id_field("as")
    household_id: str = Field(foreign_key="households.id", index=True)
    place_path: str = Field(max_length=1000)
    year: int = Field(index=True)
    kind: str = Field(max_length=16)  # periodic | adhoc
    standard_code: str = Field(max_length=16)
    area: str = Field(max_length=8)
    income_per_capita: int | None = Field(default=None, sa_column=Column(BigInteger))
    b1_score: int | None = None
    b2_score: int | None = None
    deprivations: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    deprivation_count: int = 0
    members_count: int = 0
    able_to_work_count: int = 0
    classification: str = Field(max_length=16)
    poverty_line: int = Field(sa_column=Column(BigInteger, nullable=False))
    reasons: list[dict[str, Any]] = Field(
        default_factory=list, sa_column=Column(JSON, nullable=False)
    )
    state: str = Field(default="draft", max_length=16, index=True)
    survey_date: date | None = None
    meeting_attendees: int | None = None
    meeting_agreeing: int | None = None
    posted_on: date | None = None
    decision_number: str | None = Field(default=None, max_length=64)
    decision_date: date | None = None
    effective_date: date | None = None
    rejected_reason: str | None = Field(default=None, max_length=500)
    notes: str | None = Field(default=None, max_length=2000)
    created_by: str | None = Field(default=None, max_length=32)
    created_at: datetime = created_field()
    updated_at: datetime = created_field()
    version: int = 1


class AssessmentStep(SQLModel, table=True):
    """One move through the life cycle, with who and when."""

    __tablename__ = "assessment_steps"

    id: str = id_field("st")
    assessment_id: str = Field(foreign_key="assessments.id", index=True)
    step: str = Field(max_length=24)
    from_state: str = Field(max_length=16)
    to_state: str = Field(max_length=16)
    actor_id: str | None = Field(default=None, max_length=32)
    occurred_at: datetime = created_field()
    details: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))


class StatusChange(SQLModel, table=True):
    """A recognised assessment's effect on a household's status, with that year's transition."""

    __tablename__ = "status_changes"
    __table_args__ = (
        Index(
            "ix_status_changes_place_path",
            "place_path",
            postgresql_ops={"place_path": "varchar_pattern_ops"},
        ),
        Index("ix_status_changes_year_transition", "year", "transition"),
    )

    id: str = id_field("sc")
    household_id: str = Field(foreign_key="households.id", index=True)
    assessment_id: str = Field(foreign_key="assessments.id", unique=True)
    place_path: str = Field(max_length=1000)
    year: int
    kind: str = Field(max_length=16)
    effective_date: date
    previous_status: str = Field(max_length=16)
    new_status: str = Field(max_length=16)
    transition: str | None = Field(default=None, max_length=24)
    without_labour_capacity: bool = False
    ethnic_minority: bool = False
    meritorious_service: bool = False
    recognised_at: datetime = created_field()


class Need(SQLModel, table=True):
    """Something a household needs: from a deprivation found in a review, or by an officer."""

    __tablename__ = "needs"
    __table_args__ = (
        Index(
            "ix_needs_place_path",
            "place_path",
            postgresql_ops={"place_path": "varchar_pattern_ops"},
        ),
    )

    id: str = id_field("nd")
    household_id: str = Field(foreign_key="households.id", index=True)
    place_path: str = Field(max_length=1000)
    category: str = Field(max_length=32, index=True)
    source: str = Field(max_length=16)  # assessment | officer | visit
    assessment_id: str | None = Field(default=None, foreign_key="assessments.id")
    indicator_code: str | None = Field(default=None, max_length=8)
    description: str | None = Field(default=None, max_length=1000)
    status: str = Field(default="open", max_length=16, index=True)  # open | met | cancelled
    met_by_support_id: str | None = Field(default=None, max_length=32)
    closed_reason: str | None = Field(default=None, max_length=500)
    opened_at: datetime = created_field()
    closed_at: datetime | None = timestamp_field()
    created_by: str | None = Field(default=None, max_length=32)
    updated_at: datetime = created_field()
    version: int = 1
