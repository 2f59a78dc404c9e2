"""Request and response shapes of /api/v1/households/{id}/assessments."""

from datetime import date, datetime
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

from api.core.dates import today_in_vietnam
from api.core.validation import invalid

Kind = Literal["periodic", "adhoc"]
State = Literal["draft", "surveyed", "agreed", "posted", "recognised", "rejected"]
STRICT = ConfigDict(extra="forbid", str_strip_whitespace=True)


def _not_future(value: date | None) -> date | None:
    if value is not None and value > today_in_vietnam():
        raise invalid("date_in_future", "date is in the future")
    return value


class SurveyAnswers(BaseModel):
    """What the survey found; the API classifies, a client never sends a classification."""

    model_config = STRICT

    income_per_capita: int | None = Field(
        default=None, ge=0, le=10**10, description="VND per person per month"
    )
    b1_score: int | None = Field(default=None, ge=0, le=1000, description="Form B1 score")
    deprivations: list[str] | None = Field(
        default=None, max_length=20, description="Deprived indicator codes of the standard"
    )
    b2_score: int | None = Field(default=None, ge=0, le=200, description="Form B2 score")
    able_to_work_count: int | None = Field(
        default=None, ge=0, le=40, description="Members able to work (default: from members)"
    )
    survey_date: date | None = None
    notes: str | None = Field(default=None, max_length=2000)

    _survey = field_validator("survey_date")(_not_future)


class AssessmentCreate(SurveyAnswers):
    year: int = Field(ge=2000, le=2100)
    kind: Kind = "periodic"
    standard: str | None = Field(default=None, max_length=16, description="Default: the year's")


class AssessmentUpdate(SurveyAnswers):
    """New survey answers for a draft (replaces the answers given)."""


class StepRequest(BaseModel):
    model_config = STRICT

    step: Literal["surveyed", "meeting", "posted", "recognised", "rejected"]
    attendees: int | None = Field(default=None, ge=1, le=100000)
    agreeing: int | None = Field(default=None, ge=0, le=100000)
    posted_on: date | None = None
    decision_number: str | None = Field(default=None, min_length=1, max_length=64)
    decision_date: date | None = None
    effective_date: date | None = None
    reason: str | None = Field(default=None, min_length=1, max_length=500)

    _dates = field_validator("posted_on", "decision_date", "effective_date")(_not_future)


class StepPublic(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    step: str
    from_state: State
    to_state: State
    actor_id: str | None
    occurred_at: datetime
    details: dict[str, Any]


class AssessmentPublic(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: str
    household_id: str
    year: int
    kind: Kind
    standard: str
    area: Literal["rural", "urban"]
    income_per_capita: int | None
    b1_score: int | None
    b2_score: int | None
    deprivations: list[str]
    deprivation_count: int
    members_count: int
    able_to_work_count: int
    classification: Literal["poor", "near_poor", "average", "not_poor"]
    poverty_line: int
    reasons: list[dict[str, Any]]
    state: State
    survey_date: date | None
    meeting_attendees: int | None
    meeting_agreeing: int | None
    posted_on: date | None
    decision_number: str | None
    decision_date: date | None
    effective_date: date | None
    rejected_reason: str | None
    notes: str | None
    created_at: datetime
    updated_at: datetime
    steps: list[StepPublic] = []


class AssessmentPage(BaseModel):
    items: list[AssessmentPublic]
    next_page_token: str | None
    total: int | None = None
