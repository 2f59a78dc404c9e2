"""The form to add a member to a household or to edit one (including that they left)."""

from typing import Any

from starlette.datastructures import FormData

from web.forms.convert import (
    choice_to_text,
    compact,
    date_input,
    iso_date,
    text_or_none,
    whole_number,
    yes_no,
)
from web.forms.state import FormState
from web.schemas import Member

FIELDS = (
    "full_name",
    "gender",
    "birth_year",
    "relation",
    "citizen_id",
    "education_level",
    "in_school",
    "has_health_insurance",
    "can_work",
    "disability",
    "left_on",
    "left_reason",
)
YES_NO_FIELDS = ("in_school", "has_health_insurance", "can_work", "disability")


def blank_member() -> FormState:
    return FormState.blank(FIELDS)


def member_from(form: FormData) -> FormState:
    return FormState.from_submission(form, FIELDS)


def member_values(member: Member) -> FormState:
    """The stored member, for the edit form. The citizen ID is shown masked by the API, so
    its field starts blank: typed, it replaces the stored one; blank, it is kept."""
    values = {
        "full_name": member.full_name,
        "gender": member.gender,
        "birth_year": str(member.birth_year or ""),
        "relation": member.relation,
        "citizen_id": "",
        "education_level": member.education_level or "",
        "left_on": date_input(member.left_on),
        "left_reason": member.left_reason or "",
    }
    values |= {name: choice_to_text(getattr(member, name)) for name in YES_NO_FIELDS}
    return FormState(values=values)


def _common(state: FormState) -> dict[str, Any]:
    text = state.value_of
    payload: dict[str, Any] = {
        "full_name": text_or_none(text("full_name")),
        "gender": text("gender") or None,
        "birth_year": whole_number(text("birth_year")),
        "relation": text("relation") or None,
        "citizen_id": text_or_none(text("citizen_id").replace(" ", "")),
        "education_level": text("education_level") or None,
    }
    payload |= {name: yes_no(text(name)) for name in YES_NO_FIELDS}
    return payload


def create_payload(state: FormState) -> dict[str, Any]:
    return compact(_common(state))


REQUIRED = ("full_name", "gender", "birth_year", "relation")


def update_payload(state: FormState) -> dict[str, Any]:
    """Every field of the edit form except a blank citizen ID (kept as stored). A required
    field left blank is sent blank, for the API to say so beside it."""
    payload = _common(state)
    if payload["citizen_id"] is None:
        del payload["citizen_id"]
    for name in REQUIRED:
        if payload[name] is None:
            payload[name] = state.value_of(name).strip()
    payload["left_on"] = iso_date(state.value_of("left_on"))
    payload["left_reason"] = text_or_none(state.value_of("left_reason"))
    return payload
