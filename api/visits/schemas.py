"""Request and response shapes of /api/v1/visits."""

from datetime import date, datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

from api.core.validation import invalid
from api.people.schemas import PersonSummary

Purpose = Literal["survey", "advice", "follow_up", "re_poverty_check", "support_delivery"]
Shock = Literal["illness", "death_of_worker", "disaster", "fire", "crop_livestock_loss", "job_loss"]
IncomeChange = Literal["increased", "unchanged", "decreased", "unknown"]
RiskRating = Literal["low", "medium", "high"]
STRICT = ConfigDict(extra="forbid", str_strip_whitespace=True)


def _no_repeats(values: list[str]) -> list[str]:
    seen = set()
    for index, value in enumerate(values):
        if value in seen:
            raise invalid("duplicate_item", f"item {index} repeats {value!r}")
        seen.add(value)
    return values


class VisitCreate(BaseModel):
    model_config = STRICT

    household_id: str = Field(max_length=32)
    visitor_id: str = Field(max_length=32, description="The person who visited")
    visited_on: date
    purpose: Purpose
    living_conditions: str | None = Field(default=None, max_length=2000)
    income_change: IncomeChange = "unknown"
    shocks: list[Shock] = Field(default_factory=list, max_length=6)
    shock_details: str | None = Field(default=None, max_length=2000)
    household_plan: str | None = Field(
        default=None, max_length=2000, description="The household's own plan or commitment"
    )
    risk_rating: RiskRating | None = None
    need_ids: list[str] = Field(
        default_factory=list, max_length=50, description="Open needs of the household found"
    )
    next_visit_on: date | None = Field(
        default=None, description="Overrides the schedule for the next due date"
    )
    notes: str | None = Field(default=None, max_length=2000)

    _shocks = field_validator("shocks")(_no_repeats)
    _needs = field_validator("need_ids")(_no_repeats)


class VisitPublic(BaseModel):
    id: str
    household_id: str
    visitor_id: str
    visitor: PersonSummary | None
    visited_on: date
    purpose: Purpose
    living_conditions: str | None
    income_change: IncomeChange
    shocks: list[Shock]
    shock_details: str | None
    household_plan: str | None
    risk_rating: RiskRating | None
    need_ids: list[str]
    next_visit_on: date | None
    notes: str | None
    recorded_by: str | None
    created_at: datetime


class VisitPage(BaseModel):
    items: list[VisitPublic]
    next_page_token: str | None
    total: int | None = None


class LastVisitPublic(BaseModel):
    id: str
    visited_on: date
    next_visit_on: date | None


class DueItem(BaseModel):
    household_id: str
    code: str
    head_name: str
    place_id: str
    commune_id: str
    status: str
    due_on: date
    overdue: bool
    days_overdue: int = Field(description="Days past the due date; negative: days until it")
    basis: Literal["next_visit_set", "schedule"] = Field(
        description="The date the last visit set, or the schedule rule for the status"
    )
    last_visit: LastVisitPublic | None
    person_in_charge: PersonSummary | None
    risk_score: int | None


class DueCount(BaseModel):
    key: str | None = Field(description="Person or place id; null: nobody in charge")
    label: str
    due: int = Field(description="Due by as_of + within_days, overdue included")
    overdue: int = Field(description="Due before as_of")


class DueSummary(BaseModel):
    due: int
    overdue: int
    by_person: list[DueCount]
    by_place: list[DueCount]


class DuePage(BaseModel):
    as_of: date
    within_days: int
    items: list[DueItem]
    next_page_token: str | None
    total: int | None = None
    summary: DueSummary
