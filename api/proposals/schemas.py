"""Request and response shapes of /api/v1/proposals."""

from datetime import datetime
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from api.models.categories import SUPPORT_CATEGORIES
from api.models.proposals import PROPOSAL_EXTRA_CATEGORIES, PROPOSAL_STATES

STRICT = ConfigDict(extra="forbid", str_strip_whitespace=True)
Category = Literal[tuple(c for c, _, _ in (*SUPPORT_CATEGORIES, *PROPOSAL_EXTRA_CATEGORIES))]  # type: ignore[valid-type]
State = Literal[PROPOSAL_STATES]  # type: ignore[valid-type]


class ProposalCreate(BaseModel):
    model_config = STRICT

    title: str = Field(min_length=1, max_length=300)
    place_id: str = Field(max_length=32, description="The proposing commune (or the district)")
    agency_id: str | None = Field(
        default=None, max_length=32, description="When an agency proposes"
    )
    year: int = Field(ge=2000, le=2100, description="The year the work is for")
    category: Category
    budget_vnd: int = Field(ge=0, le=10**15)
    justification: str = Field(min_length=1, max_length=4000)


class ProposalUpdate(BaseModel):
    model_config = STRICT

    title: str | None = Field(default=None, min_length=1, max_length=300)
    year: int | None = Field(default=None, ge=2000, le=2100)
    category: Category | None = None
    budget_vnd: int | None = Field(default=None, ge=0, le=10**15)
    justification: str | None = Field(default=None, min_length=1, max_length=4000)


class ProposalPublic(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: str
    title: str
    place_id: str
    agency_id: str | None
    year: int
    category: str
    budget_vnd: int
    justification: str
    state: State
    submission_id: str | None
    decision_note: str | None
    created_by: str | None
    submitted_by: str | None
    submitted_at: datetime | None
    created_at: datetime
    updated_at: datetime


class ProposalPage(BaseModel):
    items: list[ProposalPublic]
    next_page_token: str | None
    total: int | None = None


class SubmissionCreate(BaseModel):
    model_config = STRICT

    title: str = Field(min_length=1, max_length=300)
    place_id: str = Field(max_length=32, description="The district (or province)")
    year: int = Field(ge=2000, le=2100)
    proposal_ids: list[str] | None = Field(
        default=None, max_length=2000, description="Default: every submitted one"
    )
    note: str | None = Field(default=None, max_length=2000)


class Decision(BaseModel):
    model_config = STRICT

    decision: Literal["approved", "rejected"]
    decision_number: str | None = Field(default=None, max_length=64)
    note: str | None = Field(default=None, max_length=2000)
    rejected_proposal_ids: list[str] = Field(
        default_factory=list, description="With approved: these proposals are rejected"
    )


class SubmissionPublic(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: str
    title: str
    place_id: str
    year: int
    state: Literal["consolidated", "approved", "rejected"]
    proposals_count: int = Field(description="Consolidated; once decided, the approved ones")
    total_budget_vnd: int = Field(
        description="Consolidated total; once decided, the approved proposals' total only"
    )
    totals: dict[str, Any] = Field(
        description="by_category and by_place (approved ones once decided); after the "
        "decision also submitted {proposals, budget_vnd, by_category, by_place} and rejected "
        "{proposals, budget_vnd, proposal_ids}"
    )
    note: str | None
    decision_number: str | None
    decision_note: str | None
    decided_by: str | None
    decided_at: datetime | None
    created_by: str | None
    created_at: datetime
    updated_at: datetime


class SubmissionDetail(SubmissionPublic):
    proposals: list[ProposalPublic]


class SubmissionPage(BaseModel):
    items: list[SubmissionPublic]
    next_page_token: str | None
    total: int | None = None
