"""Request and response shapes of /api/v1/places."""

from datetime import date, datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationInfo, field_validator

from api.core.validation import NameText, NameTextOrNone, invalid

Level = Literal["province", "district", "commune", "ward", "town", "hamlet", "quarter"]
Area = Literal["rural", "urban"]


class PlaceBase(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    name: NameText = Field(min_length=1, max_length=200)
    area: Area | None = None
    valid_from: date | None = None
    valid_to: date | None = None

    @field_validator("valid_to")
    @classmethod
    def _dates_in_order(cls, value: date | None, info: ValidationInfo):
        # A field validator (not a model one), so the error points at /valid_to.
        valid_from = info.data.get("valid_from")
        if value and valid_from and value < valid_from:
            raise invalid("dates_out_of_order", "valid_to is before valid_from")
        return value


class PlaceCreate(PlaceBase):
    code: str = Field(min_length=1, max_length=32, pattern=r"^[A-Za-z0-9._-]+$")
    level: Level
    parent_id: str | None = Field(default=None, max_length=32)


class PlaceUpdate(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    code: str | None = Field(
        default=None, min_length=1, max_length=32, pattern=r"^[A-Za-z0-9._-]+$"
    )
    name: NameTextOrNone = Field(default=None, min_length=1, max_length=200)
    area: Area | None = None
    valid_from: date | None = None
    valid_to: date | None = None
    merged_into_id: str | None = Field(default=None, max_length=32)

    @field_validator("code", "name")
    @classmethod
    def _not_null(cls, value: str | None):
        # Runs only for fields sent: an explicit null would break a NOT NULL column.
        if value is None:
            raise invalid("not_nullable", "cannot be null")
        return value


class PlacePublic(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: str
    code: str
    name: str
    level: Level
    parent_id: str | None
    area: Area | None
    valid_from: date | None
    valid_to: date | None
    merged_into_id: str | None
    created_at: datetime
    updated_at: datetime


class PlacePage(BaseModel):
    items: list[PlacePublic]
    next_page_token: str | None
    total: int | None = None
