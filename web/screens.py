"""Small helpers the screen routes share: URLs, today's date in Vietnam, a fresh
idempotency key per rendered form."""

import secrets
from datetime import date, datetime
from urllib.parse import quote, urlencode

from web.client import ApiClient
from web.client_base import ApiUnavailable
from web.i18n.formatting import VIETNAM_TIME
from web.schemas import Household

SAVED_NOTICES = frozenset({"visit", "support", "member", "assessment", "household", "assignment"})


def today() -> date:
    """The date in Vietnam (the server may run in UTC)."""
    return datetime.now(VIETNAM_TIME).date()


def new_idempotency_key() -> str:
    # A fresh key per rendered form: a double click replays, a corrected form is new.
    return secrets.token_urlsafe(16)


def key_for_retry(key: str, status: int | None) -> str:
    """The idempotency key of a form shown again: the same one when the API was down (the
    request may have been saved, a retry must not save it twice), a new one after a refusal
    (the corrected form is a new request)."""
    return key if status == 503 else new_idempotency_key()


def segment(value: str) -> str:
    return quote(value, safe="")


def profile_url(household_id: str, *, saved: str | None = None, anchor: str | None = None) -> str:
    url = f"/households/{segment(household_id)}"
    if saved:
        url += "?" + urlencode({"saved": saved})
    if anchor:
        url += f"#{anchor}"
    return url


def saved_notice(value: str | None) -> str | None:
    """Which "saved" notice a page shows (only known ones: the query is user input)."""
    return value if value in SAVED_NOTICES else None


async def household_for_form(api: ApiClient, household_id: str) -> Household:
    """The household a form is about; while the API is down, a stand-in with its id only."""
    stand_in = Household(id=household_id, code="", place_id="", head_name="", ethnicity="")
    try:
        return (await api.get_household(household_id)).value
    except ApiUnavailable:
        return stand_in
