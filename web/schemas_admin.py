"""Typed views of the administration resources: users, agencies and their API keys."""

from datetime import datetime

from web.schemas import ApiModel


class User(ApiModel):
    id: str
    username: str
    full_name: str
    role: str
    is_active: bool = True
    place_ids: list[str] = []


class Agency(ApiModel):
    id: str
    code: str
    name: str
    name_en: str | None = None
    kind: str
    is_active: bool = True
    place_ids: list[str] = []


class ApiKey(ApiModel):
    id: str
    agency_id: str
    name: str | None = None
    prefix: str
    scopes: list[str] = []
    created_at: datetime | None = None
    expires_at: datetime | None = None
    revoked_at: datetime | None = None
    last_used_at: datetime | None = None
    live: bool = True


class CreatedKey(ApiKey):
    key: str


class Scope(ApiModel):
    scope: str
    description: str
