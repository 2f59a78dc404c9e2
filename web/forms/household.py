"""The household create/edit form: keeps the officer's raw input for re-rendering, builds
the API payload from it, and places the API's validation messages beside their fields.

The web layer checks nothing the API decides (required fields, ID formats): it sends what
was typed and shows the API's answer, so the rules live once, in the API.
"""

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from starlette.datastructures import FormData

from web.client_base import ApiError
from web.forms.fields import form_text
from web.forms.pointers import field_name_from_pointer, member_field_name
from web.forms.problem_messages import (
    describe_api_sentence,
    describe_field_problem,
    field_detail_vi,
)
from web.i18n import N_
from web.schemas import Household

PLACE_REQUIRED = N_("Please choose the place where the household lives.")
REQUIRED_TEXT_FIELDS = ("code", "place_id", "head_name", "ethnicity")
OPTIONAL_TEXT_FIELDS = ("address", "phone", "notes")
FLAG_FIELDS = ("meritorious_service", "social_protection")
HOUSEHOLD_FIELDS = REQUIRED_TEXT_FIELDS + OPTIONAL_TEXT_FIELDS + FLAG_FIELDS
MEMBER_FIELDS = (
    "full_name",
    "gender",
    "birth_year",
    "relation",
    "citizen_id",
    "has_health_insurance",
    "can_work",
)
YES_NO_FIELDS = ("has_health_insurance", "can_work")
MAX_MEMBER_ROWS = 30
CHECKED = "on"
MASK = "*"


def _blank_member() -> dict[str, str]:
    return dict.fromkeys(MEMBER_FIELDS, "")


def _is_blank(row: dict[str, str]) -> bool:
    return not any(value.strip() for value in row.values())


def _member_payload(row: dict[str, str]) -> dict[str, Any]:
    """One member row as JSON; blanks are left out so the API reports what is missing."""
    payload: dict[str, Any] = {}
    for name in ("full_name", "gender", "relation"):
        if row[name].strip():
            payload[name] = row[name].strip()
    birth_year = row["birth_year"].strip()
    if birth_year:
        # Not a number? Send it as typed and let the API say what is wrong with it.
        payload["birth_year"] = int(birth_year) if birth_year.isdigit() else birth_year
    citizen_id = row["citizen_id"].replace(" ", "")
    if citizen_id:
        payload["citizen_id"] = citizen_id
    for name in YES_NO_FIELDS:
        if row[name] in ("yes", "no"):
            payload[name] = row[name] == "yes"
    return payload


@dataclass
class HouseholdForm:
    values: dict[str, str]
    members: list[dict[str, str]] = field(default_factory=list)
    errors: dict[str, list[str]] = field(default_factory=dict)
    form_errors: list[str] = field(default_factory=list)

    @classmethod
    def blank(cls) -> "HouseholdForm":
        return cls(values=dict.fromkeys(HOUSEHOLD_FIELDS, ""), members=[_blank_member()])

    @classmethod
    def from_household(cls, household: Household) -> "HouseholdForm":
        values = {name: str(getattr(household, name) or "") for name in REQUIRED_TEXT_FIELDS}
        values |= {name: getattr(household, name) or "" for name in OPTIONAL_TEXT_FIELDS}
        values |= {name: CHECKED if getattr(household, name) else "" for name in FLAG_FIELDS}
        return cls(values=values)

    @classmethod
    def from_submission(cls, form: FormData, *, with_members: bool) -> "HouseholdForm":
        values = {name: form_text(form, name) for name in HOUSEHOLD_FIELDS}
        values |= {name: CHECKED if values[name] else "" for name in FLAG_FIELDS}
        if not with_members:
            return cls(values=values)
        row_count = form_text(form, "member_rows")
        rows = min(int(row_count), MAX_MEMBER_ROWS) if row_count.isdigit() else 0
        members = [
            {name: form_text(form, member_field_name(index, name)) for name in MEMBER_FIELDS}
            for index in range(rows)
        ]
        # Blank rows are dropped so that row i is member i of the payload, which keeps the
        # API's "/members/i/..." pointers lined up with the rows shown again.
        members = [row for row in members if not _is_blank(row)]
        return cls(values=values, members=members or [_blank_member()])

    def add_member_row(self) -> None:
        if len(self.members) < MAX_MEMBER_ROWS:
            self.members.append(_blank_member())

    def create_payload(self) -> dict[str, Any]:
        payload: dict[str, Any] = {name: self.values[name].strip() for name in REQUIRED_TEXT_FIELDS}
        payload |= {
            name: self.values[name].strip()
            for name in OPTIONAL_TEXT_FIELDS
            if self.values[name].strip()
        }
        payload |= {name: self.values[name] == CHECKED for name in FLAG_FIELDS}
        members = [_member_payload(row) for row in self.members if not _is_blank(row)]
        if members:
            payload["members"] = members
        return payload

    def changes_payload(self) -> dict[str, Any]:
        """Every household field of the edit form; a blank optional field clears it."""
        payload: dict[str, Any] = {name: self.values[name].strip() for name in REQUIRED_TEXT_FIELDS}
        payload |= {name: self.values[name].strip() or None for name in OPTIONAL_TEXT_FIELDS}
        payload |= {name: self.values[name] == CHECKED for name in FLAG_FIELDS}
        if MASK in (payload["phone"] or ""):
            # The API shows phone numbers masked; sent back unchanged, the stored one stays.
            del payload["phone"]
        return payload

    def check_place(self, gettext: Callable[[str], str]) -> bool:
        """The place is chosen from a list the web app itself offers, so an empty choice is
        caught here: sent on, the API could only call it an unknown place."""
        if self.values["place_id"].strip():
            return True
        self.errors.setdefault("place_id", []).append(gettext(PLACE_REQUIRED))
        return False

    def value_of(self, name: str) -> str:
        """The raw input for a field name as used in the HTML (``members.0.full_name``)."""
        if name in self.values:
            return self.values[name]
        _, index, member_field = name.split(".")
        return self.members[int(index)][member_field]

    def errors_for(self, name: str) -> list[str]:
        return self.errors.get(name, [])

    def has_field(self, name: str) -> bool:
        if name in self.values:
            return True
        parts = name.split(".")
        return (
            len(parts) == 3
            and parts[0] == "members"
            and parts[1].isdigit()
            and int(parts[1]) < len(self.members)
            and parts[2] in MEMBER_FIELDS
        )

    def apply_problem(self, problem: ApiError, gettext: Callable[[str], str]) -> None:
        """Put each of the API's messages beside its field; the rest go above the form."""
        detail_vi = field_detail_vi(problem.detail_vi, len(problem.errors))
        for item in problem.errors:
            name = field_name_from_pointer(item.pointer)
            message = describe_field_problem(item, gettext, detail_vi=detail_vi)
            if self.has_field(name):
                self.errors.setdefault(name, []).append(message)
            else:
                self.form_errors.append(message)
        if not problem.errors:
            self.form_errors.append(
                describe_api_sentence(
                    "", problem.detail or problem.title, gettext, detail_vi=problem.detail_vi
                )
            )
