"""Response shapes of /api/v1/reports/... and request/response shapes of /api/v1/targets."""

from datetime import date, datetime
from decimal import Decimal
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from api.risk.schemas import RiskReasonPublic

STRICT = ConfigDict(extra="forbid", str_strip_whitespace=True)
Rate = float | None
TargetKind = Literal["poor", "near_poor"]


class PlaceRef(BaseModel):
    id: str
    code: str
    name: str
    level: str


class PovertyRateRow(BaseModel):
    key: str | None = Field(description="Place id or ethnicity code; null for the total")
    label: str
    households: int = Field(description="Active households in the year: the denominator")
    poor: int | None = Field(description="Null when no review up to the year (data_year null)")
    near_poor: int | None
    poor_rate: Rate = Field(description="Percent, two decimals, rounded half up")
    near_poor_rate: Rate
    poor_without_labour_capacity: int | None


DATA_YEAR = (
    "The review year the statuses come from: the latest recognised review up to `year` in "
    "scope; null before any review (then no rows, and null figures in the total)"
)
STANDARD = "The poverty standard governing reviews of `year` (null outside every standard)"


class PovertyRateReport(BaseModel):
    year: int
    data_year: int | None = Field(description=DATA_YEAR)
    standard: str | None = Field(description=STANDARD)
    place: PlaceRef | None
    by: Literal["place", "ethnicity"]
    ethnicity: str | None
    rows: list[PovertyRateRow]
    total: PovertyRateRow


class TransitionRow(BaseModel):
    key: str | int | None
    label: str
    baseline: bool = Field(
        False,
        description="The first review year of the scope: its newly poor are the starting "
        "register, not new poverty, and the total leaves them out",
    )
    newly_poor: int
    re_poor: int
    escaped_poverty: int
    newly_near_poor: int
    escaped_near_poverty: int


class TransitionsReport(BaseModel):
    from_year: int
    to_year: int
    baseline_year: int | None = Field(description="The first review year of the scope")
    place: PlaceRef | None
    by: Literal["year", "place", "ethnicity"]
    rows: list[TransitionRow]
    total: TransitionRow


class SupportRow(BaseModel):
    key: str | None
    label: str
    households: int = Field(description="Households reached (each counted once)")
    records: int
    amount_vnd: int


class SupportsReport(BaseModel):
    date_from: date
    date_to: date
    place: PlaceRef | None
    by: Literal["category", "policy", "agency", "funding_source"]
    rows: list[SupportRow]
    total: SupportRow


class CoverageRow(BaseModel):
    key: str
    label: str
    poor_households: int
    poor_reached: int
    poor_rate: Rate
    near_poor_households: int
    near_poor_reached: int
    near_poor_rate: Rate


class CoverageReport(BaseModel):
    year: int
    data_year: int | None = Field(description=DATA_YEAR)
    place: PlaceRef | None
    rows: list[CoverageRow]


class NeedRow(BaseModel):
    key: str | None
    label: str
    open_needs: int
    households: int
    poor_households: int | None
    near_poor_households: int | None
    met_in_year: int


class NeedsReport(BaseModel):
    year: int
    place: PlaceRef | None
    rows: list[NeedRow]
    total: NeedRow


class VisitCoverageRow(BaseModel):
    key: str | None
    label: str
    households: int
    visited: int
    visited_rate: Rate
    visited_on_schedule: int
    on_schedule_rate: Rate
    visits: int


class VisitCoverageReport(BaseModel):
    year: int
    data_year: int | None = Field(description=DATA_YEAR)
    as_of: date
    quarters_ended: int
    place: PlaceRef | None
    rows: list[VisitCoverageRow]
    total: VisitCoverageRow


class WorkloadRow(BaseModel):
    key: str | None
    label: str
    organisation: str | None
    place: str | None
    households: int
    poor: int
    near_poor: int
    visits: int
    households_visited: int


class WorkloadReport(BaseModel):
    year: int
    as_of: date
    place: PlaceRef | None
    rows: list[WorkloadRow]
    total: WorkloadRow


class EarlyWarningRow(BaseModel):
    household_id: str
    code: str
    head_name: str
    commune: str | None
    place: str | None
    status: str
    risk_score: int
    band: Literal["high", "medium", "low"]
    reasons: list[RiskReasonPublic]
    next_visit_due_on: date | None
    person_in_charge: str | None


class EarlyWarningReport(BaseModel):
    place: PlaceRef | None
    min_score: int
    total: int
    bands: dict[str, int]
    truncated: bool
    rows: list[EarlyWarningRow]


class TargetCreate(BaseModel):
    model_config = STRICT

    place_id: str = Field(max_length=32)
    year: int = Field(ge=2000, le=2100)
    kind: TargetKind = "poor"
    max_rate: Decimal = Field(ge=0, le=100, decimal_places=2, description="Percent, e.g. 4")
    source_note: str | None = Field(default=None, max_length=500)


class TargetUpdate(BaseModel):
    model_config = STRICT

    year: int | None = Field(default=None, ge=2000, le=2100)
    kind: TargetKind | None = None
    max_rate: Decimal | None = Field(default=None, ge=0, le=100, decimal_places=2)
    source_note: str | None = Field(default=None, max_length=500)


class TargetPublic(BaseModel):
    id: str
    place_id: str
    place: PlaceRef | None = None
    year: int
    kind: TargetKind
    max_rate: float
    source_note: str | None
    created_by: str | None
    created_at: datetime
    updated_at: datetime


class TargetPage(BaseModel):
    items: list[TargetPublic]
    next_page_token: str | None
    total: int | None = None


class ProgressRow(BaseModel):
    target: TargetPublic
    kind: TargetKind
    max_rate: float
    actual_year: int | None = Field(description="The latest review year up to the target's")
    households: int | None
    count: int | None
    actual_rate: Rate
    gap: Rate = Field(description="actual_rate - max_rate, percentage points")
    years_left: int | None = Field(
        description="Reviews still to come up to the target's year; 0 once that year is over"
    )
    yearly_pace_needed: Rate = Field(description="Percentage points a year to reach the target")
    baseline_year: int | None
    baseline_rate: Rate
    observed_yearly_pace: Rate
    households_to_exit: int | None = Field(
        description="How many fewer households of the kind would meet the target today"
    )
    status: Literal["reached", "on_track", "behind", "missed", "no_data"] = Field(
        description="Once the target's year is over: reached or missed from that year's "
        "review, no_data when that year has none"
    )


class ProgressReport(BaseModel):
    place: PlaceRef | None
    rows: list[ProgressRow]
