"""Shapes of the eligibility answers: decisions and reason codes, no personal data."""

from datetime import date

from pydantic import BaseModel, ConfigDict, Field


class PolicyDecision(BaseModel):
    policy_id: str
    agency_id: str
    code: str
    name: str
    eligible: bool
    reasons: list[str] = Field(description="Reason codes (see the API description)")


class Eligibility(BaseModel):
    household_id: str
    commune_id: str
    status: str = Field(description="unclassified | poor | near_poor | average | not_poor")
    status_since: date | None
    escaped: dict[str, date] = Field(
        description="escaped_poverty / escaped_near_poverty -> the date it took effect"
    )
    flags: dict[str, bool] = Field(
        description="Agencies: only the flags one of their active policies requires "
        "(required_flags); officers: ethnic_minority, meritorious_service, social_protection, "
        "without_labour_capacity"
    )
    archived: bool
    evaluated_on: date
    policies: list[PolicyDecision]


class CitizenLookup(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    citizen_id: str = Field(pattern=r"^\d{12}$", description="A member's 12-digit citizen ID")
    purpose: str = Field(min_length=3, max_length=200, description="Why (kept in the audit log)")
    agency_id: str | None = Field(
        default=None, max_length=32, description="Officers: only this agency's policies"
    )
