"""Request and response shapes of /api/v1/needs."""

from datetime import datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

from api.core.validation import invalid
from api.models.categories import CATEGORY_CODES

STRICT = ConfigDict(extra="forbid", str_strip_whitespace=True)


def _known_category(value: str | None) -> str | None:
    if value is not None and value not in CATEGORY_CODES:
        raise invalid(
            "unknown_category", f"unknown category; one of: {', '.join(sorted(CATEGORY_CODES))}"
        )
    return value


class NeedCreate(BaseModel):
    model_config = STRICT

    household_id: str = Field(max_length=32)
    category: str = Field(max_length=32)
    description: str | None = Field(default=None, max_length=1000)

    _category = field_validator("category")(_known_category)


class NeedUpdate(BaseModel):
    model_config = STRICT

    status: Literal["open", "met", "cancelled"] | None = None
    description: str | None = Field(default=None, max_length=1000)
    closed_reason: str | None = Field(default=None, max_length=500)


class NeedPublic(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: str
    household_id: str
    category: str
    source: Literal["assessment", "officer", "visit"]
    assessment_id: str | None
    indicator_code: str | None
    description: str | None
    status: Literal["open", "met", "cancelled"]
    met_by_support_id: str | None
    closed_reason: str | None
    opened_at: datetime
    closed_at: datetime | None
    updated_at: datetime


class NeedPage(BaseModel):
    items: list[NeedPublic]
    next_page_token: str | None
    total: int | None = None
