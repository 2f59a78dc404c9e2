"""Request and response shapes of /api/v1/persons and /api/v1/assignments."""

from datetime import date, datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

Organisation = Literal[
    "commune_staff",
    "womens_union",
    "farmers_union",
    "youth_union",
    "veterans_association",
    "fatherland_front",
    "party_cell",
    "well_off_household",
]
STRICT = ConfigDict(extra="forbid", str_strip_whitespace=True)
PHONE_PATTERN = r"^\+?[0-9 .-]{8,20}$"


class PersonCreate(BaseModel):
    model_config = STRICT

    full_name: str = Field(min_length=1, max_length=200)
    organisation: Organisation
    place_id: str = Field(max_length=32, description="Where the person works: scoping by it")
    user_id: str | None = Field(default=None, max_length=32, description="If they have a login")
    position: str | None = Field(default=None, max_length=200)
    party_member: bool = False
    phone: str | None = Field(default=None, max_length=20, pattern=PHONE_PATTERN)
    notes: str | None = Field(default=None, max_length=1000)


class PersonUpdate(BaseModel):
    model_config = STRICT

    full_name: str | None = Field(default=None, min_length=1, max_length=200)
    organisation: Organisation | None = None
    position: str | None = Field(default=None, max_length=200)
    party_member: bool | None = None
    phone: str | None = Field(default=None, max_length=20, pattern=PHONE_PATTERN)
    is_active: bool | None = None
    notes: str | None = Field(default=None, max_length=1000)


class PersonPublic(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: str
    full_name: str
    organisation: Organisation
    position: str | None
    party_member: bool
    phone: str | None
    user_id: str | None
    place_id: str
    is_active: bool
    notes: str | None
    created_at: datetime
    updated_at: datetime


class PersonPage(BaseModel):
    items: list[PersonPublic]
    next_page_token: str | None
    total: int | None = None


class AssignmentCreate(BaseModel):
    model_config = STRICT

    household_id: str = Field(max_length=32)
    person_id: str = Field(max_length=32)
    start_date: date
    end_date: date | None = Field(default=None, description="Exclusive; only for past periods")
    reason: str = Field(min_length=1, max_length=500, description="Why (this change)")


class AssignmentEnd(BaseModel):
    model_config = STRICT

    end_date: date = Field(description="The first day the person is no longer in charge")
    reason: str = Field(min_length=1, max_length=500)


class PersonSummary(BaseModel):
    id: str
    full_name: str
    organisation: Organisation


class AssignmentPublic(BaseModel):
    id: str
    household_id: str
    person_id: str
    person: PersonSummary | None
    start_date: date
    end_date: date | None
    active: bool = Field(description="In force: no end date yet")
    reason: str
    end_reason: str | None
    replaces_id: str | None
    created_by: str | None
    ended_by: str | None
    created_at: datetime
    ended_at: datetime | None


class AssignmentPage(BaseModel):
    items: list[AssignmentPublic]
    next_page_token: str | None
    total: int | None = None


class StabilityRow(BaseModel):
    key: str | None
    label: str
    households_followed: int = Field(
        description="On the follow-up schedule (poor, near-poor, escaped…)"
    )
    without_person_in_charge: int = Field(
        description="Followed households with nobody in charge on as_of"
    )
    assigned_households: int = Field(
        description="Households with a person in charge at some time in the year"
    )
    changes: int = Field(description="Changes of person in charge that took effect in the year")
    changes_per_household: float = Field(description="changes / assigned_households, 2 decimals")


class StabilityReport(BaseModel):
    year: int
    as_of: date
    by: Literal["commune", "place"]
    rows: list[StabilityRow]
    total: StabilityRow
