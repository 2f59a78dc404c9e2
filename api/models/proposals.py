"""Proposals of tasks and solutions from communes and agencies, and the Labour office's
consolidated submission of them to the district committee (founding letter point 7)."""

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, BigInteger, Column, Index
from sqlmodel import Field, SQLModel

from api.models.base import created_field, id_field, timestamp_field

# draft -> submitted -> consolidated -> approved | rejected
PROPOSAL_STATES = ("draft", "submitted", "consolidated", "approved", "rejected")
# What a proposal may be about: the support categories and the letter's other lines of work.
PROPOSAL_EXTRA_CATEGORIES: tuple[tuple[str, str, str], ...] = (
    ("infrastructure", "Đầu tư cơ sở hạ tầng (Chương trình 135)", "Infrastructure (Program 135)"),
    ("communication", "Truyền thông về giảm nghèo", "Communication on poverty reduction"),
    ("capacity_building", "Nâng cao năng lực cán bộ", "Capacity building for officers"),
    ("monitoring", "Kiểm tra, giám sát, đánh giá", "Inspection, monitoring and evaluation"),
    ("other", "Khác", "Other"),
)


class ProposalSubmission(SQLModel, table=True):
    """The Labour office's one submission to the district committee, with its totals."""

    __tablename__ = "proposal_submissions"
    __table_args__ = (
        Index(
            "ix_proposal_submissions_place_path",
            "place_path",
            postgresql_ops={"place_path": "varchar_pattern_ops"},
        ),
    )

    id: str = id_field("psb")
    title: str = Field(max_length=300)
    place_id: str = Field(foreign_key="places.id", index=True)
    place_path: str = Field(max_length=1000)
    year: int
    state: str = Field(default="consolidated", max_length=16, index=True)
    proposals_count: int = 0
    total_budget_vnd: int = Field(default=0, sa_column=Column(BigInteger, nullable=False))
    totals: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    note: str | None = Field(default=None, max_length=2000)
    decision_number: str | None = Field(default=None, max_length=64)
    decision_note: str | None = Field(default=None, max_length=2000)
    decided_by: str | None = Field(default=None, max_length=32)
    decided_at: datetime | None = timestamp_field()
    created_by: str | None = Field(default=None, max_length=32)
    created_at: datetime = created_field()
    updated_at: datetime = created_field()
    version: int = 1


class Proposal(SQLModel, table=True):
    __tablename__ = "proposals"
    __table_args__ = (
        Index(
            "ix_proposals_place_path",
            "place_path",
            postgresql_ops={"place_path": "varchar_pattern_ops"},
        ),
    )

    id: str = id_field("prp")
    title: str = Field(max_length=300)
    place_id: str = Field(foreign_key="places.id", index=True)
    place_path: str = Field(max_length=1000)
    # Set when an agency proposes (entered by an officer on its behalf); else the commune does.
    agency_id: str | None = Field(default=None, foreign_key="agencies.id", index=True)
    year: int
    category: str = Field(max_length=32)
    budget_vnd: int = Field(sa_column=Column(BigInteger, nullable=False))
    justification: str = Field(max_length=4000)
    state: str = Field(default="draft", max_length=16, index=True)
    submission_id: str | None = Field(
        default=None, foreign_key="proposal_submissions.id", index=True
    )
    decision_note: str | None = Field(default=None, max_length=2000)
    created_by: str | None = Field(default=None, max_length=32)
    submitted_by: str | None = Field(default=None, max_length=32)
    submitted_at: datetime | None = timestamp_field()
    created_at: datetime = created_field()
    updated_at: datetime = created_field()
    version: int = 1
