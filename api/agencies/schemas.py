"""Request and response shapes of /api/v1/agencies and their API keys."""

from datetime import datetime
from typing import Literal

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field, field_validator

from api.auth.api_keys import SCOPES
from api.models.agencies import AGENCY_KINDS

STRICT = ConfigDict(extra="forbid", str_strip_whitespace=True)
CODE_PATTERN = r"^[A-Za-z0-9._-]+$"
AgencyKind = Literal[AGENCY_KINDS]  # type: ignore[valid-type]


class AgencyCreate(BaseModel):
    model_config = STRICT

    code: str = Field(min_length=1, max_length=32, pattern=CODE_PATTERN)
    name: str = Field(min_length=1, max_length=200, description="Vietnamese name")
    name_en: str | None = Field(default=None, max_length=200)
    kind: AgencyKind
    place_ids: list[str] = Field(
        default_factory=list,
        max_length=100,
        description="Optional service area: the agency then sees households only inside it",
    )


class AgencyUpdate(BaseModel):
    model_config = STRICT

    name: str | None = Field(default=None, min_length=1, max_length=200)
    name_en: str | None = Field(default=None, max_length=200)
    kind: AgencyKind | None = None
    place_ids: list[str] | None = Field(default=None, max_length=100)
    is_active: bool | None = Field(default=None, description="false stops all its keys")


class AgencyPublic(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: str
    code: str
    name: str
    name_en: str | None
    kind: str
    is_active: bool
    place_ids: list[str]
    created_at: datetime
    updated_at: datetime


class AgencyPage(BaseModel):
    items: list[AgencyPublic]
    next_page_token: str | None
    total: int | None = None


class KeyCreate(BaseModel):
    model_config = STRICT

    name: str | None = Field(default=None, max_length=100, description="What uses the key")
    scopes: list[str] = Field(min_length=1, max_length=len(SCOPES))
    expires_at: AwareDatetime | None = Field(
        default=None,
        description="With a time zone (e.g. 2027-01-01T00:00:00+07:00). Absent: never "
        "expires, except that a key made by an expiring key expires with it.",
    )

    @field_validator("scopes")
    @classmethod
    def _known(cls, scopes: list[str]) -> list[str]:
        unknown = [s for s in scopes if s not in SCOPES]
        if unknown:
            raise ValueError(f"unknown scopes {unknown}; known: {', '.join(SCOPES)}")
        return sorted(set(scopes))


class KeyPublic(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: str
    agency_id: str
    name: str | None
    prefix: str = Field(description="The key's first characters")
    scopes: list[str]
    created_at: datetime
    expires_at: datetime | None
    revoked_at: datetime | None
    last_used_at: datetime | None = Field(description="Updated at most once a minute")
    live: bool


class KeyCreated(KeyPublic):
    key: str = Field(description="The key itself: shown this once, store it safely")


class KeyList(BaseModel):
    items: list[KeyPublic]


class ScopeInfo(BaseModel):
    scope: str
    description: str
