"""Request and response shapes of /api/v1/sponsors and /api/v1/sponsorships."""

from datetime import date, datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from api.core.validation import invalid

SponsorKind = Literal["well_off_household", "mass_organisation", "business", "philanthropist"]
STRICT = ConfigDict(extra="forbid", str_strip_whitespace=True)
PHONE_PATTERN = r"^\+?[0-9 .-]{8,20}$"


class SponsorCreate(BaseModel):
    model_config = STRICT

    kind: SponsorKind
    name: str = Field(min_length=1, max_length=200)
    place_id: str = Field(max_length=32, description="Where the sponsor is registered")
    representative: str | None = Field(default=None, max_length=200)
    phone: str | None = Field(default=None, max_length=20, pattern=PHONE_PATTERN)
    address: str | None = Field(default=None, max_length=300)
    notes: str | None = Field(default=None, max_length=1000)


class SponsorUpdate(BaseModel):
    model_config = STRICT

    name: str | None = Field(default=None, min_length=1, max_length=200)
    representative: str | None = Field(default=None, max_length=200)
    phone: str | None = Field(default=None, max_length=20, pattern=PHONE_PATTERN)
    address: str | None = Field(default=None, max_length=300)
    is_active: bool | None = None
    notes: str | None = Field(default=None, max_length=1000)


class SponsorPublic(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: str
    kind: SponsorKind
    name: str
    place_id: str
    representative: str | None
    phone: str | None
    address: str | None
    is_active: bool
    notes: str | None
    created_at: datetime
    updated_at: datetime


class SponsorPage(BaseModel):
    items: list[SponsorPublic]
    next_page_token: str | None
    total: int | None = None


class PledgeCreate(BaseModel):
    model_config = STRICT

    sponsor_id: str = Field(max_length=32)
    amount_vnd: int | None = Field(default=None, gt=0, le=10**13, description="Whole VND")
    items: str | None = Field(default=None, min_length=1, max_length=1000, description="In words")

    @model_validator(mode="after")
    def _something_pledged(self):
        if self.amount_vnd is None and self.items is None:
            raise invalid("pledge_incomplete", "a pledge needs amount_vnd, items, or both")
        return self


class SponsorshipCreate(BaseModel):
    model_config = STRICT

    household_id: str = Field(max_length=32)
    start_date: date
    end_date: date | None = None
    goal: str | None = Field(default=None, max_length=1000)
    pledges: list[PledgeCreate] = Field(
        max_length=50, description="One per sponsor: at least one sponsor"
    )

    @field_validator("pledges")
    @classmethod
    def _has_a_sponsor(cls, pledges: list[PledgeCreate]) -> list[PledgeCreate]:
        if not pledges:
            raise invalid(
                "sponsor_required", "a sponsorship needs at least one sponsor (one pledge each)"
            )
        return pledges


class SponsorshipUpdate(BaseModel):
    model_config = STRICT

    end_date: date | None = None
    end_reason: str | None = Field(default=None, max_length=500)
    goal: str | None = Field(default=None, max_length=1000)


class PledgePublic(BaseModel):
    id: str
    sponsor_id: str
    sponsor_name: str | None
    sponsor_kind: SponsorKind | None
    amount_vnd: int | None
    items: str | None
    delivered_amount_vnd: int
    delivered_count: int


class SponsorshipPublic(BaseModel):
    id: str
    household_id: str
    start_date: date
    end_date: date | None
    goal: str | None
    end_reason: str | None
    model: Literal["several_help_one", "one_sponsor"] = Field(
        description="Several sponsors help this household, or a single one"
    )
    pledges: list[PledgePublic]
    pledged_amount_vnd: int
    delivered_amount_vnd: int
    delivered_count: int
    created_by: str | None
    created_at: datetime
    updated_at: datetime


class SponsorshipPage(BaseModel):
    items: list[SponsorshipPublic]
    next_page_token: str | None
    total: int | None = None


class ContributionCreate(BaseModel):
    model_config = STRICT

    support_id: str = Field(max_length=32, description="A support record of this household")
    sponsor_id: str | None = Field(
        default=None, max_length=32, description="Which sponsor gave it (needed when several)"
    )


class ContributionPublic(BaseModel):
    support_id: str
    sponsorship_id: str
    sponsor_id: str
    delivered_on: date
    amount_vnd: int | None
    quantity: int | None
    status: str
    linked_at: datetime


class ReportRow(BaseModel):
    sponsor_id: str
    sponsor_name: str
    sponsor_kind: SponsorKind
    households: int = Field(description="Households it sponsors in the period")
    pledged_amount_vnd: int
    pledged_items: list[str]
    delivered_amount_vnd: int
    delivered_count: int = Field(description="Support records delivered (with or without VND)")
    delivered_pct: float | None = Field(description="Delivered VND / pledged VND, 2 decimals")


class SponsorshipReport(BaseModel):
    rows: list[ReportRow]
    total: dict[str, int | float | None]
