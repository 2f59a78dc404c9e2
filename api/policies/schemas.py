"""Request and response shapes of /api/v1/policies."""

import json
from datetime import datetime
from typing import Any, Literal

from jsonschema import Draft202012Validator
from jsonschema.exceptions import SchemaError
from pydantic import BaseModel, ConfigDict, Field, field_validator

from api.models.agencies import (
    DEFAULT_ESCAPED_WITHIN_YEARS,
    ELIGIBLE_STATUSES,
    FUNDING_SOURCES,
    HOUSEHOLD_FLAGS,
    POLICY_UNITS,
)
from api.models.categories import SUPPORT_CATEGORIES

STRICT = ConfigDict(extra="forbid", str_strip_whitespace=True)
CODE_PATTERN = r"^[A-Za-z0-9._-]+$"
MAX_SCHEMA_BYTES = 20_000
Unit = Literal[POLICY_UNITS]  # type: ignore[valid-type]
FundingSource = Literal[FUNDING_SOURCES]  # type: ignore[valid-type]
EligibleStatus = Literal[ELIGIBLE_STATUSES]  # type: ignore[valid-type]
Flag = Literal[HOUSEHOLD_FLAGS]  # type: ignore[valid-type]
Category = Literal[tuple(code for code, _, _ in SUPPORT_CATEGORIES)]  # type: ignore[valid-type]


def _local_refs_only(node: Any) -> None:
    if isinstance(node, dict):
        ref = node.get("$ref")
        if isinstance(ref, str) and not ref.startswith("#"):
            raise ValueError("only local $ref ('#/…') are allowed")
        for value in node.values():
            _local_refs_only(value)
    elif isinstance(node, list):
        for value in node:
            _local_refs_only(value)


def check_attributes_schema(schema: dict[str, Any] | None) -> dict[str, Any] | None:
    """A valid JSON Schema (2020-12) of an object, small and self-contained."""
    if schema is None:
        return None
    if len(json.dumps(schema)) > MAX_SCHEMA_BYTES:
        raise ValueError(f"the schema is larger than {MAX_SCHEMA_BYTES} bytes")
    if schema.get("type") != "object":
        raise ValueError('the schema must describe an object ("type": "object")')
    _local_refs_only(schema)
    try:
        Draft202012Validator.check_schema(schema)
    except SchemaError as exc:
        raise ValueError(f"not a valid JSON Schema: {exc.message}") from exc
    return schema


class PolicyBase(BaseModel):
    model_config = STRICT

    name: str = Field(min_length=1, max_length=200, description="Vietnamese name")
    name_en: str | None = Field(default=None, max_length=200)
    description: str | None = Field(default=None, max_length=1000)
    eligible_statuses: list[EligibleStatus] = Field(
        default_factory=list,
        description="Any of these statuses qualifies; empty: every household. escaped_* count "
        "for escaped_within_years after the household escaped",
    )
    escaped_within_years: int = Field(default=DEFAULT_ESCAPED_WITHIN_YEARS, ge=1, le=10)
    required_flags: list[Flag] = Field(default_factory=list, description="All of them needed")
    default_funding_source: FundingSource | None = None
    attributes_schema: dict[str, Any] | None = Field(
        default=None,
        description="JSON Schema (2020-12) of the agency's own attributes of each support "
        "record, e.g. loan term, interest rate, card number; checked on every record",
    )
    is_active: bool = True

    _schema = field_validator("attributes_schema")(check_attributes_schema)


class PolicyCreate(PolicyBase):
    code: str = Field(min_length=1, max_length=32, pattern=CODE_PATTERN)
    category: Category
    unit: Unit
    agency_id: str | None = Field(
        default=None, max_length=32, description="Administrators only: the owning agency"
    )


class PolicyUpdate(BaseModel):
    """code, category and unit never change: records copy them (create a new policy)."""

    model_config = STRICT

    name: str | None = Field(default=None, min_length=1, max_length=200)
    name_en: str | None = Field(default=None, max_length=200)
    description: str | None = Field(default=None, max_length=1000)
    eligible_statuses: list[EligibleStatus] | None = None
    escaped_within_years: int | None = Field(default=None, ge=1, le=10)
    required_flags: list[Flag] | None = None
    default_funding_source: FundingSource | None = None
    attributes_schema: dict[str, Any] | None = None
    is_active: bool | None = None

    _schema = field_validator("attributes_schema")(check_attributes_schema)


class PolicyPublic(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: str
    agency_id: str
    code: str
    name: str
    name_en: str | None
    description: str | None
    category: str
    unit: str
    eligible_statuses: list[str]
    escaped_within_years: int | None
    required_flags: list[str]
    default_funding_source: str | None
    attributes_schema: dict[str, Any] | None
    is_active: bool
    created_at: datetime
    updated_at: datetime


class PolicyPage(BaseModel):
    items: list[PolicyPublic]
    next_page_token: str | None
    total: int | None = None
