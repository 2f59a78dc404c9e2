"""Typed views of the field-work resources: reviews, needs, supports, visits, people."""

from datetime import date, datetime
from typing import Any

from web.schemas import ApiModel, Household, Page, Place


class Reason(ApiModel):
    """A sentence the API wrote in both languages (classification reasons)."""

    code: str = ""
    vi: str = ""
    en: str = ""
    verified: bool = True

    def text_in(self, locale: str) -> str:
        return self.vi if locale == "vi" else self.en


class StandardSummary(ApiModel):
    code: str
    title_vi: str
    title_en: str
    years: dict[str, int]
    provisional: bool = False

    def covers(self, year: int) -> bool:
        return self.years["first"] <= year <= self.years["last"]

    def title_in(self, locale: str) -> str:
        return self.title_vi if locale == "vi" else self.title_en


class Indicator(ApiModel):
    code: str
    dimension: str
    name_vi: str
    name_en: str
    condition_vi: str = ""
    condition_en: str = ""

    def name_in(self, locale: str) -> str:
        return self.name_vi if locale == "vi" else self.name_en

    def condition_in(self, locale: str) -> str:
        return self.condition_vi if locale == "vi" else self.condition_en


class Dimension(ApiModel):
    code: str
    name_vi: str
    name_en: str

    def name_in(self, locale: str) -> str:
        return self.name_vi if locale == "vi" else self.name_en


class Standard(StandardSummary):
    dimensions: list[Dimension] = []
    indicators: list[Indicator] = []

    def indicator_groups(self) -> list[tuple[Dimension, list[Indicator]]]:
        """Indicators under their dimension, in the standard's order."""
        groups = [
            (d, [i for i in self.indicators if i.dimension == d.code]) for d in self.dimensions
        ]
        return [(dimension, items) for dimension, items in groups if items]

    def indicator_name(self, code: str, locale: str) -> str:
        for indicator in self.indicators:
            if indicator.code == code:
                return indicator.name_in(locale)
        return code


class Classification(ApiModel):
    standard: str
    classification: str
    area: str
    deprivation_count: int
    poverty_line: int
    near_poverty_line: int | None = None
    provisional: bool = False
    reasons: list[Reason] = []


class Step(ApiModel):
    step: str
    from_state: str
    to_state: str
    occurred_at: datetime
    details: dict[str, Any] = {}


class Assessment(ApiModel):
    id: str
    household_id: str
    year: int
    kind: str
    standard: str
    area: str
    income_per_capita: int | None = None
    b1_score: int | None = None
    b2_score: int | None = None
    deprivations: list[str] = []
    deprivation_count: int = 0
    members_count: int = 0
    able_to_work_count: int = 0
    classification: str
    poverty_line: int = 0
    reasons: list[Reason] = []
    state: str
    survey_date: date | None = None
    meeting_attendees: int | None = None
    meeting_agreeing: int | None = None
    posted_on: date | None = None
    decision_number: str | None = None
    decision_date: date | None = None
    effective_date: date | None = None
    rejected_reason: str | None = None
    notes: str | None = None
    created_at: datetime | None = None
    steps: list[Step] = []


class Need(ApiModel):
    id: str
    household_id: str
    category: str
    source: str
    indicator_code: str | None = None
    description: str | None = None
    status: str
    opened_at: datetime | None = None
    closed_at: datetime | None = None


class Policy(ApiModel):
    id: str
    agency_id: str
    code: str
    name: str
    name_en: str | None = None
    category: str
    unit: str
    eligible_statuses: list[str] = []
    default_funding_source: str | None = None
    is_active: bool = True

    def name_in(self, locale: str) -> str:
        return self.name_en if locale == "en" and self.name_en else self.name


class Support(ApiModel):
    id: str
    policy_id: str
    household_id: str
    category: str
    delivered_on: date
    amount_vnd: int | None = None
    quantity: int | None = None
    funding_source: str
    status: str
    note: str | None = None
    need_id: str | None = None


class PersonSummary(ApiModel):
    id: str
    full_name: str
    organisation: str


class Person(PersonSummary):
    position: str | None = None
    phone: str | None = None
    user_id: str | None = None
    place_id: str
    is_active: bool = True


class Assignment(ApiModel):
    id: str
    household_id: str
    person_id: str
    person: PersonSummary | None = None
    start_date: date
    end_date: date | None = None
    active: bool = True
    reason: str = ""
    end_reason: str | None = None


class Visit(ApiModel):
    id: str
    household_id: str
    visitor: PersonSummary | None = None
    visited_on: date
    purpose: str
    living_conditions: str | None = None
    income_change: str = "unknown"
    shocks: list[str] = []
    shock_details: str | None = None
    household_plan: str | None = None
    risk_rating: str | None = None
    next_visit_on: date | None = None
    notes: str | None = None


class LastVisit(ApiModel):
    id: str
    visited_on: date
    next_visit_on: date | None = None


class DueItem(ApiModel):
    household_id: str
    code: str
    head_name: str
    place_id: str
    status: str
    due_on: date
    overdue: bool
    days_overdue: int
    last_visit: LastVisit | None = None
    person_in_charge: PersonSummary | None = None
    risk_score: int | None = None


class DueCount(ApiModel):
    key: str | None = None
    label: str
    due: int
    overdue: int


class DueSummary(ApiModel):
    due: int
    overdue: int
    by_person: list[DueCount] = []
    by_place: list[DueCount] = []


class DuePage(Page[DueItem]):
    as_of: date
    within_days: int
    summary: DueSummary


class Pledge(ApiModel):
    sponsor_id: str
    sponsor_name: str | None = None
    sponsor_kind: str | None = None
    amount_vnd: int | None = None
    items: str | None = None
    delivered_amount_vnd: int = 0


class Sponsorship(ApiModel):
    id: str
    household_id: str
    start_date: date
    end_date: date | None = None
    goal: str | None = None
    model: str
    pledges: list[Pledge] = []
    pledged_amount_vnd: int = 0
    delivered_amount_vnd: int = 0
    delivered_count: int = 0


class Timeline(ApiModel):
    household_id: str
    status: str
    items: list[dict[str, Any]]


class HouseholdProfile(ApiModel):
    """GET /households/{id}/profile: what the profile page shows, in one answer."""

    household: Household
    household_etag: str
    places: list[Place]  # only the places the household and its moves name
    timeline: Timeline
    assessments: Page[Assessment]
    needs: Page[Need]
    supports: Page[Support]
    visits: Page[Visit]
    assignments: Page[Assignment]
    sponsorships: Page[Sponsorship]
