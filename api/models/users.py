"""Officers' accounts, the places they cover, and their bearer tokens."""

from datetime import datetime

from sqlmodel import Field, SQLModel

from api.models.base import created_field, id_field, timestamp_field

ROLES = ("admin", "commune_officer", "auditor")


class User(SQLModel, table=True):
    __tablename__ = "users"

    id: str = id_field("usr")
    username: str = Field(max_length=64, unique=True)
    full_name: str = Field(max_length=200)
    password_hash: str = Field(max_length=255)
    role: str = Field(max_length=24)
    is_active: bool = True
    password_changed_at: datetime = created_field()
    created_at: datetime = created_field()
    updated_at: datetime = created_field()
    version: int = 1


class UserPlace(SQLModel, table=True):
    """A place (and everything below it) a user works in; none means the whole deployment."""

    __tablename__ = "user_places"

    user_id: str = Field(foreign_key="users.id", primary_key=True)
    place_id: str = Field(foreign_key="places.id", primary_key=True)


class AuthToken(SQLModel, table=True):
    """An officer's bearer token; only its SHA-256 is stored."""

    __tablename__ = "auth_tokens"

    id: str = id_field("tok")
    token_hash: str = Field(max_length=64, unique=True)
    user_id: str = Field(foreign_key="users.id", index=True)
    created_at: datetime = created_field()
    expires_at: datetime = timestamp_field(nullable=False)
    revoked_at: datetime | None = timestamp_field()
