"""Words for the API's validation errors, in the officer's language.

The API decides what is wrong and names the field. Where it also gives a stable ``code``
(pydantic's error type, for example) that the web knows, the web words it from its own
catalogue, so the message is Vietnamese whatever language the API writes in. Otherwise the
API's own ``detail`` is shown as is (the API is asked in the officer's language through
Accept-Language).

Some of the API's field errors carry no code yet, only a pointer and an English sentence;
``MESSAGES_BY_DETAIL`` words the ones officers meet, matched on the pointer and the start of
the sentence. Anything else that is plain English (ASCII only) is replaced, in a catalogue
that translates it, by a generic sentence: never English beside a field of a Vietnamese page.
"""

import re
from collections.abc import Callable
from datetime import date

from web.client_base import FieldProblem
from web.i18n import N_
from web.i18n.formatting import format_date

FILL_IN = N_("Please fill in this field.")
WHOLE_NUMBER = N_("Please enter a whole number.")
CHOOSE_OPTION = N_("Please choose one of the options.")
OUT_OF_RANGE = N_("This number is outside the allowed range.")
VALID_DATE = N_("Please enter a date as dd/mm/yyyy.")
NOT_IN_FUTURE = N_("This date cannot be in the future.")
INCOME_OR_B1 = N_("Enter the income per person or the B1 score.")
NOT_BOTH = N_("Enter only one of the two.")
NOT_VALID = N_("This value is not accepted; please check it.")

MESSAGES_BY_CODE = {
    # pydantic's error types
    "missing": FILL_IN,
    "string_too_short": FILL_IN,
    "string_too_long": N_("This is too long."),
    "string_pattern_mismatch": N_("This is not in the expected format."),
    "int_parsing": WHOLE_NUMBER,
    "int_type": WHOLE_NUMBER,
    "int_from_float": WHOLE_NUMBER,
    "bool_parsing": CHOOSE_OPTION,
    "bool_type": CHOOSE_OPTION,
    "literal_error": CHOOSE_OPTION,
    "enum": CHOOSE_OPTION,
    "greater_than": OUT_OF_RANGE,
    "greater_than_equal": OUT_OF_RANGE,
    "less_than": OUT_OF_RANGE,
    "less_than_equal": OUT_OF_RANGE,
    "date_parsing": VALID_DATE,
    "date_from_datetime_parsing": VALID_DATE,
    "date_type": VALID_DATE,
    "too_long": N_("Too many items are selected."),
    "too_short": N_("Please choose at least one."),
    "decimal_parsing": N_("Please enter a number."),
    "float_parsing": N_("Please enter a number."),
    # the API's own codes (api/core/validation.py)
    "not_nullable": FILL_IN,
    "date_in_future": NOT_IN_FUTURE,
    "birth_year_in_future": N_("The year of birth cannot be in the future."),
    "unknown_ethnicity": CHOOSE_OPTION,
    "invalid_citizen_id": N_(
        "The citizen ID must be 12 digits matching the year of birth and gender."
    ),
    "duplicate_citizen_id": N_("Two members have the same citizen ID."),
    "duplicate_head": N_("A household has only one head."),
    "duplicate_item": N_("The same option is chosen twice."),
    "dates_out_of_order": N_("The end date is before the start date."),
    "policy_required": N_("Please choose the support policy."),
    "measure_required": N_("Enter the amount, the quantity or both."),
    "pledge_incomplete": N_("A pledge needs an amount, items or both."),
    "control_character": N_("This text contains characters that cannot be saved."),
    "blank": FILL_IN,
    "registered_on_too_early": N_("The registration date cannot be before 1900."),
    # the classification engine's codes
    "missing_income_per_capita_or_b1_score": INCOME_OR_B1,
    "both_income_per_capita_and_b1_score": NOT_BOTH,
    "both_deprivations_and_b2_score": NOT_BOTH,
    "invalid_income_per_capita": WHOLE_NUMBER,
    "invalid_b1_score": OUT_OF_RANGE,
    "invalid_b2_score": N_("The B2 score is a multiple of 10."),
    "no_standard_for_year": N_("No poverty standard covers this year."),
    "unknown_indicator": N_("This indicator is not part of the year's standard."),
}


# (pointers, the API's sentence as a pattern, the message; ``%(date)s`` takes the pattern's
# ``date`` group written dd/mm/yyyy)
MESSAGES_BY_DETAIL: list[tuple[frozenset[str], re.Pattern[str], str]] = [
    (
        frozenset({"/reason"}),
        re.compile(r"Say why the assessment is rejected\b"),
        N_("Please say why the review is rejected."),
    ),
    (
        frozenset({"/place_id"}),
        re.compile(r"Unknown place\b"),
        N_("This place is unknown or outside your communes."),
    ),
    (
        frozenset({"/place_id"}),
        re.compile(r"Say where the households live\b"),
        N_("Please choose where the households of the list live."),
    ),
    (
        frozenset({"/visited_on"}),
        re.compile(r"visited_on is in the future\b"),
        N_("The visit date cannot be in the future."),
    ),
    (
        frozenset({"/visited_on"}),
        re.compile(r"visited_on is before the household existed.*?(?P<date>\d{4}-\d{2}-\d{2})"),
        N_("The visit date is before the household was recorded (%(date)s)."),
    ),
    (
        frozenset({"/next_visit_on"}),
        re.compile(r"next_visit_on must be after visited_on\b"),
        N_("The next visit must be after this visit."),
    ),
    (
        frozenset({"/delivered_on"}),
        re.compile(r"(/delivered_on: )?an? \w+ support cannot be dated in the future\b"),
        N_("A support already given cannot be dated in the future."),
    ),
    (
        frozenset({"/person_id"}),
        re.compile(r"(?i).*\balready in charge\b"),
        N_("This person is already in charge of this household."),
    ),
    (
        frozenset({"/attendees", "/agreeing"}),
        re.compile(r"A meeting needs attendees and agreeing\b"),
        N_("Enter the number of people at the meeting and the number who agreed."),
    ),
    (
        frozenset({"/agreeing"}),
        re.compile(r"More agreeing than attendees\b"),
        N_("More people agreed than were at the meeting."),
    ),
    (
        frozenset({"/decision_number", "/decision_date"}),
        re.compile(r"Recognition needs the commune chair's decision number and date\b"),
        N_("Enter the number and the date of the commune chair's decision."),
    ),
]


def _worded_from_detail(pointer: str, detail: str, gettext: Callable[[str], str]) -> str | None:
    for pointers, pattern, msgid in MESSAGES_BY_DETAIL:
        match = pattern.match(detail) if pointer in pointers else None
        if match is None:
            continue
        found = match.groupdict().get("date")
        if found is None:
            return gettext(msgid)
        try:
            return gettext(msgid) % {"date": format_date(date.fromisoformat(found))}
        except ValueError:
            return gettext(msgid) % {"date": found}
    return None


def describe_api_sentence(
    pointer: str, detail: str, gettext: Callable[[str], str], *, detail_vi: str = ""
) -> str:
    """The API's sentence about one field, in the officer's language where the web knows
    it; ``detail_vi`` is the API's own Vietnamese for it, when it gave one."""
    worded = _worded_from_detail(pointer, detail, gettext)
    if worded is not None:
        return worded
    translates = gettext(NOT_VALID) != NOT_VALID  # the officer reads a language other than English
    if translates and detail_vi:
        return detail_vi
    if translates and detail.isascii():
        return gettext(NOT_VALID)
    return detail


def describe_field_problem(
    problem: FieldProblem, gettext: Callable[[str], str], *, detail_vi: str = ""
) -> str:
    msgid = MESSAGES_BY_CODE.get(problem.code or "")
    if msgid is not None:
        return gettext(msgid)
    return describe_api_sentence(problem.pointer, problem.detail, gettext, detail_vi=detail_vi)


def field_detail_vi(problem_detail_vi: str, errors_count: int) -> str:
    """The problem's Vietnamese sentence belongs to its field only when there is one."""
    return problem_detail_vi if errors_count == 1 else ""
