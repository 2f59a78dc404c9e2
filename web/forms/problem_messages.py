"""Words for the API's validation errors, in the officer's language.

The API decides what is wrong and names the field. Where it also gives a stable ``code``
(pydantic's error type, for example) that the web knows, the web words it from its own
catalogue, so the message is Vietnamese whatever language the API writes in. Otherwise the
API's own ``detail`` is shown as is (the API is asked in the officer's language through
Accept-Language).
"""

from collections.abc import Callable

from web.client import FieldProblem
from web.i18n import N_

FILL_IN = N_("Please fill in this field.")
WHOLE_NUMBER = N_("Please enter a whole number.")
CHOOSE_OPTION = N_("Please choose one of the options.")
OUT_OF_RANGE = N_("This number is outside the allowed range.")

MESSAGES_BY_CODE = {
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
}


def describe_field_problem(problem: FieldProblem, gettext: Callable[[str], str]) -> str:
    msgid = MESSAGES_BY_CODE.get(problem.code or "")
    return gettext(msgid) if msgid is not None else problem.detail
