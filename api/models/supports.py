"""Support delivered to a household under an agency's policy."""

from datetime import date, datetime
from typing import Any

from sqlalchemy import JSON, BigInteger, Column, Index, UniqueConstraint
from sqlmodel import Field, SQLModel

from api.models.base import created_field, id_field

SUPPORT_STATUSES = ("planned", "delivered", "cancelled", "repaid", "overdue")
LOAN_STATUSES = frozenset({"repaid", "overdue"})
# Statuses that say the support has happened: their date cannot be in the future.
HAPPENED_STATUSES = frozenset({"delivered", "repaid", "overdue"})


class Support(SQLModel, table=True):
    __tablename__ = "supports"
    __table_args__ = (
        # The agency's own reference: a resend updates the same record (NULLs never clash).
        UniqueConstraint("agency_id", "external_ref"),
        Index("ix_supports_household_delivered", "household_id", "delivered_on"),
    )

    id: str = id_field("sp")
    agency_id: str = Field(foreign_key="agencies.id")
    policy_id: str = Field(foreign_key="policies.id", index=True)
    household_id: str = Field(foreign_key="households.id")
    # Copied from the policy (which cannot change it): filters need no join.
    category: str = Field(max_length=32, index=True)
    delivered_on: date = Field(index=True)
    amount_vnd: int | None = Field(default=None, sa_column=Column(BigInteger))
    quantity: int | None = None
    funding_source: str = Field(max_length=32)
    status: str = Field(max_length=16)
    external_ref: str | None = Field(default=None, max_length=100)
    attributes: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    note: str | None = Field(default=None, max_length=500)
    # The household's need this support meets; delivering it closes the need.
    need_id: str | None = Field(default=None, foreign_key="needs.id", index=True)
    recorded_by_kind: str = Field(max_length=16)
    recorded_by_id: str = Field(max_length=32)
    created_at: datetime = created_field()
    updated_at: datetime = created_field()
    version: int = 1
