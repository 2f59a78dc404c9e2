"""Forms of the administration pages: a place, a user, an agency and its keys, a policy."""

from datetime import datetime, time
from typing import Any

from web.forms.convert import compact, iso_date, text_or_none
from web.forms.state import FormState
from web.i18n.formatting import VIETNAM_TIME

PLACE_FIELDS = ("code", "name", "level", "parent_id", "area", "valid_from")
USER_FIELDS = ("username", "password", "full_name", "role")
USER_LISTS = ("place_ids",)
AGENCY_FIELDS = ("code", "name", "name_en", "kind")
KEY_FIELDS = ("name", "expires_on")
KEY_LISTS = ("scopes",)
POLICY_FIELDS = (
    "agency_id",
    "code",
    "name",
    "name_en",
    "category",
    "unit",
    "default_funding_source",
    "description",
)
POLICY_LISTS = ("eligible_statuses",)


def place_payload(state: FormState) -> dict[str, Any]:
    text = state.value_of
    return compact(
        {
            "code": text_or_none(text("code")),
            "name": text_or_none(text("name")),
            "level": text("level") or None,
            "parent_id": text("parent_id") or None,
            "area": text("area") or None,
            "valid_from": iso_date(text("valid_from")),
        }
    )


def user_payload(state: FormState) -> dict[str, Any]:
    text = state.value_of
    payload = compact(
        {
            "username": text_or_none(text("username")),
            "password": text("password") or None,
            "full_name": text_or_none(text("full_name")),
            "role": text("role") or None,
        }
    )
    payload["place_ids"] = state.values_of("place_ids")
    return payload


def agency_payload(state: FormState) -> dict[str, Any]:
    text = state.value_of
    return compact(
        {
            "code": text_or_none(text("code")),
            "name": text_or_none(text("name")),
            "name_en": text_or_none(text("name_en")),
            "kind": text("kind") or None,
        }
    )


def key_payload(state: FormState) -> dict[str, Any]:
    """A key expires at the end of the chosen day, Vietnam time."""
    expires = iso_date(state.value_of("expires_on"))
    expires_at: str | None = expires
    if expires and len(expires) == 10 and expires[4] == "-":
        day = datetime.fromisoformat(expires).date()
        expires_at = datetime.combine(day, time(23, 59, 59), tzinfo=VIETNAM_TIME).isoformat()
    return compact(
        {
            "name": text_or_none(state.value_of("name")),
            "scopes": state.values_of("scopes"),
            "expires_at": expires_at,
        }
    )


def policy_payload(state: FormState) -> dict[str, Any]:
    text = state.value_of
    payload = compact(
        {
            "agency_id": text("agency_id") or None,
            "code": text_or_none(text("code")),
            "name": text_or_none(text("name")),
            "name_en": text_or_none(text("name_en")),
            "category": text("category") or None,
            "unit": text("unit") or None,
            "default_funding_source": text("default_funding_source") or None,
            "description": text_or_none(text("description")),
        }
    )
    payload["eligible_statuses"] = state.values_of("eligible_statuses")
    return payload
