"""Typed views of the API's JSON bodies (the fields of the v1 contract the web app uses).

Unknown fields are ignored, so the API may add fields without breaking the web app.
"""

from datetime import date, datetime
from typing import Generic, Literal, TypeVar

from pydantic import BaseModel, ConfigDict

Role = Literal["admin", "commune_officer", "auditor", "agency"]
HouseholdStatus = Literal["unclassified", "poor", "near_poor", "average", "not_poor"]


class ApiModel(BaseModel):
    model_config = ConfigDict(extra="ignore", frozen=True)


class TokenGrant(ApiModel):
    access_token: str
    token_type: str = "bearer"
    expires_in: int | None = None


class Officer(ApiModel):
    id: str
    username: str
    full_name: str
    role: Role
    place_ids: list[str] = []


class Place(ApiModel):
    id: str
    code: str
    name: str
    level: str
    parent_id: str | None = None
    area: Literal["rural", "urban"] | None = None
    valid_from: date | None = None
    valid_to: date | None = None


class Ethnicity(ApiModel):
    code: str
    name_vi: str
    name_en: str

    def name_in(self, locale: str) -> str:
        return self.name_vi if locale == "vi" else self.name_en


class Member(ApiModel):
    id: str
    full_name: str
    gender: str
    birth_year: int | None = None
    relation: str
    ethnicity: str | None = None
    citizen_id: str | None = None
    education_level: str | None = None
    in_school: bool | None = None
    has_health_insurance: bool | None = None
    can_work: bool | None = None
    disability: bool | None = None
    left_on: date | None = None
    left_reason: str | None = None


class RiskReason(ApiModel):
    """One reason of the re-poverty early warning, worded by the API in both languages."""

    code: str
    points: int
    vi: str
    en: str

    def text_in(self, locale: str) -> str:
        return self.vi if locale == "vi" else self.en


class Household(ApiModel):
    id: str
    code: str
    place_id: str
    commune_id: str | None = None
    head_name: str
    ethnicity: str
    address: str | None = None
    phone: str | None = None
    status: HouseholdStatus = "unclassified"
    status_since: date | None = None
    ethnic_minority: bool = False
    without_labour_capacity: bool = False
    risk_score: int | None = None
    risk_reasons: list[RiskReason] = []
    meritorious_service: bool = False
    social_protection: bool = False
    notes: str | None = None
    archived: bool = False
    archived_reason: str | None = None
    created_at: datetime | None = None
    updated_at: datetime | None = None
    members: list[Member] = []


ItemT = TypeVar("ItemT")


class Page(ApiModel, Generic[ItemT]):
    items: list[ItemT]
    next_page_token: str | None = None


class Versioned(ApiModel, Generic[ItemT]):
    """A resource with the strong ETag it was read with, for a later If-Match."""

    value: ItemT
    etag: str
