"""Typed views of the reports the dashboard draws, and of targets."""

from datetime import date

from web.schemas import ApiModel, RiskReason


class PlaceRef(ApiModel):
    id: str
    code: str
    name: str
    level: str


class RateRow(ApiModel):
    key: str | None = None
    label: str
    households: int
    # None before any recognised review: nobody has a status yet, so nothing was counted.
    poor: int | None = None
    near_poor: int | None = None
    poor_rate: float | None = None
    near_poor_rate: float | None = None


class PovertyRate(ApiModel):
    year: int
    place: PlaceRef | None = None
    rows: list[RateRow]
    total: RateRow


class TransitionRow(ApiModel):
    key: str | int | None = None
    label: str
    baseline: bool = False  # the first review year: everyone is classified, nobody "changed"
    newly_poor: int = 0
    re_poor: int = 0
    escaped_poverty: int = 0
    newly_near_poor: int = 0
    escaped_near_poverty: int = 0


class Transitions(ApiModel):
    from_year: int
    to_year: int
    rows: list[TransitionRow]
    total: TransitionRow


class WarningRow(ApiModel):
    household_id: str
    code: str
    head_name: str
    place: str | None = None
    status: str
    risk_score: int
    band: str
    reasons: list[RiskReason] = []
    next_visit_due_on: date | None = None
    person_in_charge: str | None = None


class EarlyWarning(ApiModel):
    total: int
    bands: dict[str, int] = {}
    rows: list[WarningRow]


class Target(ApiModel):
    id: str
    place_id: str
    place: PlaceRef | None = None
    year: int
    kind: str
    max_rate: float
    source_note: str | None = None
