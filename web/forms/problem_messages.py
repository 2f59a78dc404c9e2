"""Words for the API's validation errors, in the officer's language.

The API decides what is wrong and names the field. Where it also gives a stable ``code``
(pydantic's error type, for example) that the web knows, the web words it from its own
catalogue, so the message is Vietnamese whatever language the API writes in. Otherwise the
API's own ``detail`` is shown as is (the API is asked in the officer's language through
Accept-Language).
"""

from collections.abc import Callable

from web.client_base import FieldProblem
from web.i18n import N_

FILL_IN = N_("Please fill in this field.")
WHOLE_NUMBER = N_("Please enter a whole number.")
CHOOSE_OPTION = N_("Please choose one of the options.")
OUT_OF_RANGE = N_("This number is outside the allowed range.")
VALID_DATE = N_("Please enter a date as dd/mm/yyyy.")
NOT_IN_FUTURE = N_("This date cannot be in the future.")
INCOME_OR_B1 = N_("Enter the income per person or the B1 score.")
NOT_BOTH = N_("Enter only one of the two.")

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


def describe_field_problem(problem: FieldProblem, gettext: Callable[[str], str]) -> str:
    msgid = MESSAGES_BY_CODE.get(problem.code or "")
    return gettext(msgid) if msgid is not None else problem.detail
