"""Monitoring visits to households: what was found, the household's plan, the next date."""

from datetime import date, datetime

from sqlalchemy import JSON, Column, Index
from sqlmodel import Field, SQLModel

from api.models.base import created_field, id_field

# (code, Vietnamese, English)
VISIT_PURPOSES: tuple[tuple[str, str, str], ...] = (
    ("survey", "khảo sát", "survey"),
    ("advice", "tư vấn", "advice"),
    ("follow_up", "theo dõi", "follow-up"),
    ("re_poverty_check", "kiểm tra nguy cơ tái nghèo", "re-poverty check"),
    ("support_delivery", "trao hỗ trợ", "support delivery"),
)
SHOCKS: tuple[tuple[str, str, str], ...] = (
    ("illness", "ốm đau, bệnh tật", "illness"),
    ("death_of_worker", "lao động chính qua đời", "death of a worker"),
    ("disaster", "thiên tai", "natural disaster"),
    ("fire", "hỏa hoạn", "fire"),
    ("crop_livestock_loss", "mất mùa, dịch bệnh vật nuôi", "crop or livestock loss"),
    ("job_loss", "mất việc làm", "job loss"),
)
INCOME_CHANGES = ("increased", "unchanged", "decreased", "unknown")
RISK_RATINGS = ("low", "medium", "high")


class Visit(SQLModel, table=True):
    __tablename__ = "visits"
    __table_args__ = (
        Index("ix_visits_household_visited", "household_id", "visited_on"),
        Index(
            "ix_visits_place_path",
            "place_path",
            postgresql_ops={"place_path": "varchar_pattern_ops"},
        ),
    )

    id: str = id_field("vs")
    household_id: str = Field(foreign_key="households.id")
    place_path: str = Field(max_length=1000)
    visitor_id: str = Field(foreign_key="persons.id", index=True)
    visited_on: date = Field(index=True)
    purpose: str = Field(max_length=24)
    living_conditions: str | None = Field(default=None, max_length=2000)
    income_change: str = Field(default="unknown", max_length=16)
    shocks: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    shock_details: str | None = Field(default=None, max_length=2000)
    household_plan: str | None = Field(default=None, max_length=2000)
    risk_rating: str | None = Field(default=None, max_length=8)
    # Open needs of the household the visitor found still unmet.
    need_ids: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    # Set by the visitor: overrides the schedule rule for the next due date.
    next_visit_on: date | None = None
    notes: str | None = Field(default=None, max_length=2000)
    recorded_by: str | None = Field(default=None, max_length=32)
    created_at: datetime = created_field()
    version: int = 1
