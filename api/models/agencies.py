"""Member agencies, their service areas, API keys and policy catalogues."""

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Column, UniqueConstraint
from sqlmodel import Field, SQLModel

from api.models.base import created_field, id_field, timestamp_field

AGENCY_KINDS = (
    "social_policy_bank",
    "health",
    "social_security",
    "education",
    "labour",
    "agriculture",
    "construction",
    "natural_resources",
    "culture_information",
    "legal_aid",
    "fatherland_front",
    "mass_organisation",
    "commune",
    "other",
)
POLICY_UNITS = ("vnd", "card", "course", "loan", "item")
# What a policy may require of a household (see api/eligibility/rules.py).
ELIGIBLE_STATUSES = (
    "poor",
    "near_poor",
    "escaped_poverty",
    "escaped_near_poverty",
    "average",
    "not_poor",
)
HOUSEHOLD_FLAGS = (
    "ethnic_minority",
    "meritorious_service",
    "social_protection",
    "without_labour_capacity",
)
DEFAULT_ESCAPED_WITHIN_YEARS = 3
FUNDING_SOURCES = (
    "program_135",
    "ntp_subproject",
    "state_budget",
    "policy_credit",
    "local_budget",
    "social_mobilisation",
)


class Agency(SQLModel, table=True):
    __tablename__ = "agencies"

    id: str = id_field("ag")
    code: str = Field(max_length=32, unique=True)
    name: str = Field(max_length=200)
    name_en: str | None = Field(default=None, max_length=200)
    kind: str = Field(max_length=32)
    is_active: bool = True
    created_at: datetime = created_field()
    updated_at: datetime = created_field()
    version: int = 1


class AgencyPlace(SQLModel, table=True):
    """An optional service area: an agency with places sees households only inside them."""

    __tablename__ = "agency_places"

    agency_id: str = Field(foreign_key="agencies.id", primary_key=True)
    place_id: str = Field(foreign_key="places.id", primary_key=True)


class ApiKey(SQLModel, table=True):
    """An agency's API key; only its SHA-256 is stored, the key is shown once."""

    __tablename__ = "api_keys"

    id: str = id_field("key")
    agency_id: str = Field(foreign_key="agencies.id", index=True)
    name: str | None = Field(default=None, max_length=100)
    # The first characters of the key, to tell keys apart in lists and logs.
    prefix: str = Field(max_length=16)
    key_hash: str = Field(max_length=64, unique=True)
    scopes: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    created_by: str | None = Field(default=None, max_length=32)
    created_at: datetime = created_field()
    expires_at: datetime | None = timestamp_field()
    revoked_at: datetime | None = timestamp_field()
    last_used_at: datetime | None = timestamp_field()


class Policy(SQLModel, table=True):
    """A support policy an agency delivers, with its eligibility and its own attributes."""

    __tablename__ = "policies"
    __table_args__ = (UniqueConstraint("agency_id", "code"),)

    id: str = id_field("pol")
    agency_id: str = Field(foreign_key="agencies.id", index=True)
    code: str = Field(max_length=32)
    name: str = Field(max_length=200)
    name_en: str | None = Field(default=None, max_length=200)
    description: str | None = Field(default=None, max_length=1000)
    category: str = Field(max_length=32, index=True)
    unit: str = Field(max_length=16)
    eligible_statuses: list[str] = Field(
        default_factory=list, sa_column=Column(JSON, nullable=False)
    )
    escaped_within_years: int | None = None
    required_flags: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    default_funding_source: str | None = Field(default=None, max_length=32)
    attributes_schema: dict[str, Any] | None = Field(default=None, sa_column=Column(JSON))
    is_active: bool = True
    created_at: datetime = created_field()
    updated_at: datetime = created_field()
    version: int = 1
