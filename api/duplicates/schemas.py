"""Request and response shapes of /api/v1/duplicates."""

from datetime import date, datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

STRICT = ConfigDict(extra="forbid", str_strip_whitespace=True)
Kind = Literal["household", "member"]


class Side(BaseModel):
    id: str = Field(description="The household's id (kind household) or the member's")
    household_id: str
    household_code: str
    place: str | None
    status: str
    full_name: str
    birth_year: int
    gender: str
    relation: str
    citizen_id: str | None = Field(description="Masked")
    registered_on: date


class Candidate(BaseModel):
    kind: Kind
    first_id: str
    second_id: str
    reasons: list[str]
    commune: dict[str, str | None]
    first: Side
    second: Side


class CandidatePage(BaseModel):
    items: list[Candidate]
    next_page_token: str | None
    total: int | None = None


class DismissRequest(BaseModel):
    model_config = STRICT

    kind: Kind
    first_id: str = Field(max_length=32)
    second_id: str = Field(max_length=32)
    reason: str = Field(min_length=1, max_length=500)


class DismissalPublic(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: str
    kind: Kind
    first_id: str
    second_id: str
    reason: str
    dismissed_by: str | None
    created_at: datetime


class MergeRequest(BaseModel):
    model_config = STRICT

    kind: Kind
    keep_id: str = Field(max_length=32, description="The record that stays")
    duplicate_id: str = Field(max_length=32, description="The record folded into it")
    reason: str = Field(min_length=1, max_length=200)


class MergeResult(BaseModel):
    kind: Kind
    kept_id: str
    merged_id: str
    household_ids: list[str] = Field(description="Households changed by the merge")
