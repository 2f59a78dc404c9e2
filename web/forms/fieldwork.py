"""Forms of the field work: a visit, a support record, a person in charge, a person."""

from typing import Any

from starlette.datastructures import FormData

from web.forms.convert import compact, iso_date, money, text_or_none, whole_number
from web.forms.state import FormState

VISIT_FIELDS = (
    "visitor_id",
    "visited_on",
    "purpose",
    "living_conditions",
    "income_change",
    "shock_details",
    "household_plan",
    "risk_rating",
    "next_visit_on",
    "notes",
)
VISIT_LISTS = ("shocks", "need_ids")
SUPPORT_FIELDS = (
    "policy_id",
    "delivered_on",
    "amount_vnd",
    "quantity",
    "funding_source",
    "status",
    "need_id",
    "note",
)
ASSIGNMENT_FIELDS = ("person_id", "start_date", "reason")
PERSON_FIELDS = ("full_name", "organisation", "place_id", "position", "phone", "notes")


def blank_visit(*, visitor_id: str, visited_on: str) -> FormState:
    return FormState.blank(
        VISIT_FIELDS,
        VISIT_LISTS,
        visitor_id=visitor_id,
        visited_on=visited_on,
        purpose="follow_up",
        income_change="unknown",
    )


def visit_from(form: FormData) -> FormState:
    return FormState.from_submission(form, VISIT_FIELDS, VISIT_LISTS)


def visit_payload(state: FormState, household_id: str) -> dict[str, Any]:
    text = state.value_of
    payload = {
        "household_id": household_id,
        "visitor_id": text("visitor_id") or None,
        "visited_on": iso_date(text("visited_on")),
        "purpose": text("purpose") or None,
        "living_conditions": text_or_none(text("living_conditions")),
        "income_change": text("income_change") or None,
        "shocks": state.values_of("shocks"),
        "shock_details": text_or_none(text("shock_details")),
        "household_plan": text_or_none(text("household_plan")),
        "risk_rating": text("risk_rating") or None,
        "need_ids": state.values_of("need_ids"),
        "next_visit_on": iso_date(text("next_visit_on")),
        "notes": text_or_none(text("notes")),
    }
    return compact(payload)


def blank_support(*, delivered_on: str, need_id: str = "") -> FormState:
    return FormState.blank(
        SUPPORT_FIELDS, status="delivered", delivered_on=delivered_on, need_id=need_id
    )


def support_from(form: FormData) -> FormState:
    return FormState.from_submission(form, SUPPORT_FIELDS)


def support_payload(state: FormState, household_id: str) -> dict[str, Any]:
    text = state.value_of
    payload = {
        "household_id": household_id,
        "policy_id": text("policy_id") or None,
        "delivered_on": iso_date(text("delivered_on")),
        "amount_vnd": money(text("amount_vnd")),
        "quantity": whole_number(text("quantity")),
        "funding_source": text("funding_source") or None,
        "status": text("status") or None,
        "need_id": text("need_id") or None,
        "note": text_or_none(text("note")),
    }
    return compact(payload)


def assignment_from(form: FormData) -> FormState:
    return FormState.from_submission(form, ASSIGNMENT_FIELDS)


def assignment_payload(state: FormState, household_id: str) -> dict[str, Any]:
    text = state.value_of
    payload = {
        "household_id": household_id,
        "person_id": text("person_id") or None,
        "start_date": iso_date(text("start_date")),
        "reason": text_or_none(text("reason")),
    }
    return compact(payload)


def person_from(form: FormData) -> FormState:
    return FormState.from_submission(form, PERSON_FIELDS)


def person_payload(state: FormState) -> dict[str, Any]:
    text = state.value_of
    payload = {
        "full_name": text_or_none(text("full_name")),
        "organisation": text("organisation") or None,
        "place_id": text("place_id") or None,
        "position": text_or_none(text("position")),
        "phone": text_or_none(text("phone")),
        "notes": text_or_none(text("notes")),
    }
    return compact(payload)
