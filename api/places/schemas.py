"""Request and response shapes of /api/v1/places."""

from datetime import date, datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

Level = Literal["province", "district", "commune", "ward", "town", "hamlet", "quarter"]
Area = Literal["rural", "urban"]


class PlaceBase(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    name: str = Field(min_length=1, max_length=200)
    area: Area | None = None
    valid_from: date | None = None
    valid_to: date | None = None

    @model_validator(mode="after")
    def _dates_in_order(self):
        if self.valid_from and self.valid_to and self.valid_to < self.valid_from:
            raise ValueError("valid_to is before valid_from")
        return self


class PlaceCreate(PlaceBase):
    code: str = Field(min_length=1, max_length=32, pattern=r"^[A-Za-z0-9._-]+$")
    level: Level
    parent_id: str | None = Field(default=None, max_length=32)


class PlaceUpdate(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    code: str | None = Field(
        default=None, min_length=1, max_length=32, pattern=r"^[A-Za-z0-9._-]+$"
    )
    name: str | None = Field(default=None, min_length=1, max_length=200)
    area: Area | None = None
    valid_from: date | None = None
    valid_to: date | None = None
    merged_into_id: str | None = Field(default=None, max_length=32)


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
