"""Request and response shapes of /api/v1/users."""

from datetime import datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, SecretStr, field_validator

from api.core.validation import NameText, NameTextOrNone, invalid

Role = Literal["admin", "commune_officer", "auditor"]
USERNAME_PATTERN = r"^[a-z0-9][a-z0-9._-]{2,63}$"


class UserCreate(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    username: str = Field(pattern=USERNAME_PATTERN, description="Lower-case, 3-64 characters")
    password: SecretStr = Field(min_length=1, max_length=256)
    full_name: NameText = Field(min_length=1, max_length=200)
    role: Role
    place_ids: list[str] = Field(default_factory=list, max_length=200)


class UserUpdate(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    full_name: NameTextOrNone = Field(default=None, min_length=1, max_length=200)
    role: Role | None = None
    is_active: bool | None = None
    place_ids: list[str] | None = Field(default=None, max_length=200)
    password: SecretStr | None = Field(default=None, min_length=1, max_length=256)

    @field_validator("full_name", "role", "is_active", "place_ids", "password")
    @classmethod
    def _not_null(cls, value):
        # Runs only for fields sent: null was silently ignored (and a null role ended sessions).
        if value is None:
            raise invalid("not_nullable", "cannot be null")
        return value


class PasswordChange(BaseModel):
    model_config = ConfigDict(extra="forbid")

    current_password: SecretStr = Field(max_length=256)
    new_password: SecretStr = Field(max_length=256)


class UserPublic(BaseModel):
    id: str
    username: str
    full_name: str
    role: Role
    is_active: bool
    place_ids: list[str]
    created_at: datetime
    updated_at: datetime


class UserPage(BaseModel):
    items: list[UserPublic]
    next_page_token: str | None


class Me(BaseModel):
    id: str
    username: str
    full_name: str
    role: str
    place_ids: list[str]
