"""The demo's annual reviews: an income and deprivations drawn for each planned status, the
engine's classification of them, the life-cycle steps, status changes and needs, all as the
review services would have recorded them."""

import json
import random
from dataclasses import dataclass
from datetime import date, datetime
from functools import cache
from typing import Any

from api.demo.plan import YEARS
from api.demo.registry import Commune, Home
from api.demo.writer import Ids, RawJSON, Weighted, at, days_after
from api.households.ethnicities import is_ethnic_minority
from api.standards import (
    classify,
    get_standard,
    indicator_need_categories,
    standard_for_year,
    yearly_transition,
)

ACTOR = "system"
NEEDY = ("poor", "near_poor")
INDICATOR_WEIGHTS = {
    "HE1": 2,
    "HE2": 9,
    "ED1": 5,
    "ED2": 2,
    "HO1": 7,
    "HO2": 5,
    "WS1": 6,
    "WS2": 9,
    "IN1": 4,
    "IN2": 3,
}


@dataclass
class Review:
    id: str
    change_id: str
    step_ids: tuple[str, ...]
    year: int
    kind: str
    result: Any  # the engine's Classification
    members_count: int
    able_to_work: int
    survey_date: date
    meeting_on: date
    attendees: int
    agreeing: int
    posted_on: date
    decision_number: str
    decision_date: date
    previous_status: str = "unclassified"
    transition: str | None = None

    @property
    def classification(self) -> str:
        return self.result.classification

    @property
    def decided_at(self) -> datetime:
        return at(self.decision_date, 10)

    @property
    def without_labour_capacity(self) -> bool:
        return self.classification == "poor" and self.able_to_work == 0


INDICATOR_PICK = Weighted(INDICATOR_WEIGHTS, INDICATOR_WEIGHTS.values())
COUNTS = {
    "poor_low_income": Weighted((0, 1, 2, 3, 4, 5), (8, 18, 26, 24, 16, 8)),
    "poor": Weighted((3, 4, 5), (60, 30, 10)),
    "near_poor": Weighted((0, 1, 2), (25, 40, 35)),
    "average": Weighted((0, 1, 2), (50, 35, 15)),
    "not_poor": Weighted((0, 1), (80, 20)),
}


def _deprivations(rng: random.Random, count: int) -> list[str]:
    chosen: set[str] = set()
    while len(chosen) < count:
        chosen.add(INDICATOR_PICK(rng))
    return sorted(chosen)


@cache
def _classify(code: str, area: str, income: int, deprivations: tuple[str, ...]):
    """The engine's answer (the same inputs recur: incomes are drawn in steps of 10,000)."""
    return classify(
        standard=get_standard(code), area=area, income_per_capita=income, deprivations=deprivations
    )


@cache
def _need_categories(code: str, deprivations: tuple[str, ...]) -> tuple[tuple[str, str], ...]:
    return tuple(indicator_need_categories(get_standard(code), deprivations).items())


def draw(rng: random.Random, standard, area: str, status: str) -> tuple[int, list[str]]:
    """An income (a multiple of 10,000 VND) and deprivations the standard classifies so."""
    lines = standard.lines[area]
    band = standard.average_band[area]
    poverty, near = lines.poverty_line, lines.near_poverty_line
    unit = 10_000
    if status == "poor" and rng.random() < 0.7:
        income = rng.randrange(poverty // 2, poverty + 1, unit)
        count = COUNTS["poor_low_income"](rng)
    elif status == "poor":
        income = rng.randrange(poverty + unit, near + 1, unit)
        count = COUNTS["poor"](rng)
    elif status == "near_poor":
        income = rng.randrange(poverty + unit, near + 1, unit)
        count = COUNTS["near_poor"](rng)
    elif status == "average":
        income = rng.randrange(near + unit, band.up_to + 1, unit)
        count = COUNTS["average"](rng)
    else:
        income = rng.randrange(band.up_to + unit, band.up_to * 3, unit)
        count = COUNTS["not_poor"](rng)
    return income, _deprivations(rng, count)


class Calendar:
    """When each commune surveys, meets, posts and decides, each year."""

    def __init__(self, rng: random.Random, communes: list[Commune]):
        self.decisions: dict[tuple[str, int, str], tuple[date, str]] = {}
        for index, commune in enumerate(communes):
            for year in YEARS:
                number = f"{rng.randrange(100, 400)}/QĐ-UBND"
                self.decisions[commune.id, year, "periodic"] = (date(year, 12, 10 + index), number)
                number = f"{rng.randrange(20, 90)}/QĐ-UBND"
                self.decisions[commune.id, year, "adhoc"] = (date(year, 6, 20 + index), number)

    def review(self, ids: Ids, rng: random.Random, home: Home, year: int, kind: str, result):
        decision, number = self.decisions[home.commune.id, year, kind]
        if kind == "periodic":
            survey = days_after(date(year, 9, 5), rng.randrange(45))
            meeting = days_after(date(year, 11, 5), rng.randrange(15))
        else:
            survey = days_after(date(year, 6, 1), rng.randrange(6))
            meeting = days_after(survey, 5)
        attendees = rng.randrange(25, 90)
        return Review(
            id=ids("as"),
            change_id=ids("sc"),
            step_ids=tuple(ids("st") for _ in range(5)),
            year=year,
            kind=kind,
            result=result,
            members_count=len(home.members),
            able_to_work=home.able_to_work(),
            survey_date=survey,
            meeting_on=meeting,
            attendees=attendees,
            agreeing=attendees - rng.randrange(0, attendees // 3),
            posted_on=days_after(meeting, 3),
            decision_number=number,
            decision_date=decision,
        )


def review_homes(
    ids: Ids, rng: random.Random, homes: list[Home], calendar: Calendar, during_year=None
) -> None:
    """Every planned review, classified by the engine, with its effect on the household;
    `during_year(home, year)` runs first each year (the support delivered before the review)."""
    for home in homes:
        history: list[str] = []
        for year in YEARS:
            if during_year is not None:
                during_year(home, year)
            if not home.life.reviewed(year):
                continue
            target = home.life.status(year)
            kinds = ["periodic"]
            if year == 2018 and home.life.adhoc_2018:
                kinds.insert(0, "adhoc")
            for kind in kinds:
                standard = standard_for_year(year)
                income, deprivations = draw(rng, standard, home.commune.area, target)
                result = _classify(standard.code, home.commune.area, income, tuple(deprivations))
                if result.classification != target:  # the plan and the engine must agree
                    raise AssertionError(f"{target} drawn, {result.classification} classified")
                review = calendar.review(ids, rng, home, year, kind, result)
                review.previous_status = history[-1] if history else "unclassified"
                review.transition = yearly_transition(history=history, new_status=target)
                history.append(target)
                home.reviews.append(review)
                _apply(home, review)
                if target in NEEDY:
                    _open_needs(ids, home, review)


def _apply(home: Home, review: Review) -> None:
    """What rebuild_history does to the household after each recognised review."""
    wlc = review.without_labour_capacity
    if home.status != review.classification or home.without_labour_capacity != wlc:
        home.status = review.classification
        home.status_since = review.decision_date
        home.without_labour_capacity = wlc
        home.version += 1


def _open_needs(ids: Ids, home: Home, review: Review) -> None:
    for indicator, category in _need_categories(
        review.result.standard, review.result.deprived_indicators
    ):
        if category in home.open_needs:
            continue
        home.open_needs[category] = {
            "id": ids("nd"),
            "household_id": home.id,
            "place_path": home.hamlet["path"],
            "category": category,
            "source": "assessment",
            "assessment_id": review.id,
            "indicator_code": indicator,
            "description": None,
            "status": "open",
            "met_by_support_id": None,
            "closed_reason": None,
            "opened_at": review.decided_at,
            "closed_at": None,
            "created_by": ACTOR,
            "updated_at": review.decided_at,
            "version": 1,
        }
        home.needs.append(home.open_needs[category])


def _reason(reason) -> dict[str, Any]:
    """Reason.to_public(), without its generic dataclass walk (the same four fields)."""
    return {"code": reason.code, "vi": reason.vi, "en": reason.en, "verified": reason.verified}


@cache
def _reasons(result) -> RawJSON:
    """The reasons of a classification as JSON text, once per distinct classification."""
    return RawJSON(json.dumps([_reason(reason) for reason in result.reasons]))


def assessment_rows(homes: list[Home]):
    for home in homes:
        for r in home.reviews:
            result = r.result
            yield {
                "id": r.id,
                "household_id": home.id,
                "place_path": home.hamlet["path"],
                "year": r.year,
                "kind": r.kind,
                "standard_code": result.standard,
                "area": result.area,
                "income_per_capita": result.income_per_capita,
                "b1_score": None,
                "b2_score": None,
                "deprivations": list(result.deprived_indicators),
                "deprivation_count": result.deprivation_count,
                "members_count": r.members_count,
                "able_to_work_count": r.able_to_work,
                "classification": result.classification,
                "poverty_line": result.poverty_line,
                "reasons": _reasons(result),
                "state": "recognised",
                "survey_date": r.survey_date,
                "meeting_attendees": r.attendees,
                "meeting_agreeing": r.agreeing,
                "posted_on": r.posted_on,
                "decision_number": r.decision_number,
                "decision_date": r.decision_date,
                "effective_date": r.decision_date,
                "rejected_reason": None,
                "notes": None,
                "created_by": ACTOR,
                "created_at": at(r.survey_date, 8),
                "updated_at": r.decided_at,
                "version": 5,
            }


def step_rows(homes: list[Home]):
    for home in homes:
        for r in home.reviews:
            pct = round(100 * r.agreeing / r.attendees, 2)
            for index, (step, before, after, when, details) in enumerate(
                (
                    ("created", "draft", "draft", at(r.survey_date, 8), {}),
                    ("surveyed", "draft", "surveyed", at(r.survey_date, 16), {}),
                    (
                        "meeting",
                        "surveyed",
                        "agreed",
                        at(r.meeting_on, 19),
                        {"attendees": r.attendees, "agreeing": r.agreeing, "agreement_pct": pct},
                    ),
                    (
                        "posted",
                        "agreed",
                        "posted",
                        at(r.posted_on, 9),
                        {"posted_on": str(r.posted_on)},
                    ),
                    (
                        "recognised",
                        "posted",
                        "recognised",
                        r.decided_at,
                        {
                            "decision_number": r.decision_number,
                            "decision_date": str(r.decision_date),
                        },
                    ),
                )
            ):
                yield {
                    "id": r.step_ids[index],
                    "assessment_id": r.id,
                    "step": step,
                    "from_state": before,
                    "to_state": after,
                    "actor_id": ACTOR,
                    "occurred_at": when,
                    "details": details,
                }


def change_rows(homes: list[Home]):
    for home in homes:
        minority = is_ethnic_minority(home.ethnicity)
        for r in home.reviews:
            yield {
                "id": r.change_id,
                "household_id": home.id,
                "assessment_id": r.id,
                "place_path": home.hamlet["path"],
                "year": r.year,
                "kind": r.kind,
                "effective_date": r.decision_date,
                "previous_status": r.previous_status,
                "new_status": r.classification,
                "transition": r.transition,
                "without_labour_capacity": r.without_labour_capacity,
                "ethnic_minority": minority,
                "meritorious_service": home.meritorious,
                "recognised_at": r.decided_at,
            }
