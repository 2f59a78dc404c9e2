"""Request and response shapes of /api/v1/supports (single and bulk)."""

from datetime import date, datetime
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from api.core.validation import invalid
from api.models.agencies import FUNDING_SOURCES
from api.models.supports import SUPPORT_STATUSES

FundingSource = Literal[FUNDING_SOURCES]  # type: ignore[valid-type]
SupportStatus = Literal[SUPPORT_STATUSES]  # type: ignore[valid-type]
MAX_AMOUNT_VND = 10**13


class SupportIn(BaseModel):
    """One support record; a resend with the same external_ref updates the same record."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    household_id: str = Field(min_length=1, max_length=32)
    policy_id: str | None = Field(default=None, max_length=32)
    policy_code: str | None = Field(
        default=None, max_length=32, description="Agencies: the own policy's code instead of id"
    )
    delivered_on: date = Field(
        description="Date delivered (or planned); not in the future "
        "once delivered, repaid or overdue"
    )
    amount_vnd: int | None = Field(default=None, ge=0, le=MAX_AMOUNT_VND, description="Whole VND")
    quantity: int | None = Field(default=None, ge=1, le=1_000_000)
    funding_source: FundingSource | None = Field(
        default=None, description="Defaults to the policy's default funding source"
    )
    status: SupportStatus = Field(
        default="delivered", description="repaid and overdue only for loans"
    )
    external_ref: str | None = Field(
        default=None,
        min_length=1,
        max_length=100,
        pattern=r"^[^\x00-\x1f\x7f]+$",
        description="The agency's own reference, unique per agency; required for agencies",
    )
    attributes: dict[str, Any] = Field(
        default_factory=dict, description="Checked against the policy's attributes_schema"
    )
    note: str | None = Field(default=None, max_length=500)
    need_id: str | None = Field(
        default=None,
        max_length=32,
        description="The household's open need this support meets; delivered closes it",
    )

    @model_validator(mode="after")
    def _policy_and_measure(self):
        if not self.policy_id and not self.policy_code:
            raise invalid("policy_required", "give policy_id (or, for an agency, policy_code)")
        if self.amount_vnd is None and self.quantity is None:
            raise invalid("measure_required", "give amount_vnd, quantity or both")
        return self


class SupportUpdate(BaseModel):
    """PATCH: status, dates and amounts change; household, policy and external_ref do not."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    delivered_on: date | None = None
    amount_vnd: int | None = Field(default=None, ge=0, le=MAX_AMOUNT_VND)
    quantity: int | None = Field(default=None, ge=1, le=1_000_000)
    funding_source: FundingSource | None = None
    status: SupportStatus | None = None
    attributes: dict[str, Any] | None = None
    note: str | None = Field(default=None, max_length=500)
    need_id: str | None = Field(default=None, max_length=32)


class SupportPublic(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: str
    agency_id: str
    policy_id: str
    household_id: str
    category: str
    delivered_on: date
    amount_vnd: int | None
    quantity: int | None
    funding_source: str
    status: str
    external_ref: str | None
    attributes: dict[str, Any]
    note: str | None
    need_id: str | None
    recorded_by_kind: str = Field(description="agency or user")
    created_at: datetime
    updated_at: datetime


class SupportPage(BaseModel):
    items: list[SupportPublic]
    next_page_token: str | None
    total: int | None = None


class ItemError(BaseModel):
    pointer: str
    detail: str


class BulkResult(BaseModel):
    index: int = Field(description="Position of the item in the input (0-based)")
    line: int | None = Field(default=None, description="CSV line number (header is line 1)")
    outcome: Literal["created", "updated", "ignored", "failed", "skipped"]
    id: str | None = None
    external_ref: str | None = None
    duplicate_of: int | None = Field(
        default=None, description="Index of the earlier item with the same external_ref"
    )
    errors: list[ItemError] | None = None


class BulkStats(BaseModel):
    created: int
    updated: int
    ignored: int
    failed: int
    total: int


class BulkResponse(BaseModel):
    status: Literal["committed", "partial", "valid", "invalid"] = Field(
        description="commit: committed, or partial (atomic=row with failures); "
        "validate: valid or invalid (nothing written)"
    )
    mode: Literal["validate", "commit"]
    atomic: Literal["all", "row"]
    stats: BulkStats
    results: list[BulkResult]
