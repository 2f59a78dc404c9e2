"""The annual-review (assessment) form and the forms of its life-cycle steps."""

from typing import Any

from starlette.datastructures import FormData

from web.forms.convert import compact, iso_date, money, text_or_none, whole_number
from web.forms.state import FormState

FIELDS = (
    "year",
    "kind",
    "income_per_capita",
    "b1_score",
    "b2_score",
    "able_to_work_count",
    "survey_date",
    "notes",
    "area",
)
LISTS = ("deprivations",)
STEP_FIELDS = (
    "step",
    "attendees",
    "agreeing",
    "posted_on",
    "decision_number",
    "decision_date",
    "effective_date",
    "reason",
)


def blank_assessment(*, year: int, survey_date: str, area: str) -> FormState:
    return FormState.blank(
        FIELDS, LISTS, year=str(year), kind="periodic", survey_date=survey_date, area=area
    )


def assessment_from(form: FormData) -> FormState:
    return FormState.from_submission(form, FIELDS, LISTS)


def _measures(state: FormState) -> dict[str, Any]:
    """Income or B1 score; deprivations or B2 score (a B2 score replaces the ticks)."""
    b2_score = whole_number(state.value_of("b2_score"))
    return {
        "income_per_capita": money(state.value_of("income_per_capita")),
        "b1_score": whole_number(state.value_of("b1_score")),
        "deprivations": None if b2_score is not None else state.values_of("deprivations"),
        "b2_score": b2_score,
    }


def create_payload(state: FormState) -> dict[str, Any]:
    payload = {
        "year": whole_number(state.value_of("year")),
        "kind": state.value_of("kind") or None,
        **_measures(state),
        "able_to_work_count": whole_number(state.value_of("able_to_work_count")),
        "survey_date": iso_date(state.value_of("survey_date")),
        "notes": text_or_none(state.value_of("notes")),
    }
    return compact(payload)


def classify_payload(state: FormState) -> dict[str, Any]:
    """What the live preview asks POST /classify: the same answers, nothing saved."""
    payload = {
        "year": whole_number(state.value_of("year")),
        "area": state.value_of("area") or "rural",
        **_measures(state),
    }
    return compact(payload)


def step_from(form: FormData) -> FormState:
    return FormState.from_submission(form, STEP_FIELDS)


def step_payload(state: FormState) -> dict[str, Any]:
    payload = {
        "step": state.value_of("step"),
        "attendees": whole_number(state.value_of("attendees")),
        "agreeing": whole_number(state.value_of("agreeing")),
        "posted_on": iso_date(state.value_of("posted_on")),
        "decision_number": text_or_none(state.value_of("decision_number")),
        "decision_date": iso_date(state.value_of("decision_date")),
        "effective_date": iso_date(state.value_of("effective_date")),
        "reason": text_or_none(state.value_of("reason")),
    }
    return compact(payload)
