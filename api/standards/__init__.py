"""Poverty standards as versioned data, and the pure classification engine over them."""

from api.standards.engine import (
    CLASSIFICATIONS,
    REASON_CODES,
    Classification,
    InvalidInput,
    NoStandardForYear,
    Reason,
    StandardsError,
    UnknownIndicator,
    UnknownStandard,
    classify,
    get_standard,
    indicator_need_categories,
    load_standards,
    standard_for_year,
)
from api.standards.loader import Indicator, Standard, StandardDataError
from api.standards.transitions import TRANSITIONS, escaped_on, yearly_transition

__all__ = [
    "CLASSIFICATIONS",
    "REASON_CODES",
    "TRANSITIONS",
    "Classification",
    "Indicator",
    "InvalidInput",
    "NoStandardForYear",
    "Reason",
    "Standard",
    "StandardDataError",
    "StandardsError",
    "UnknownIndicator",
    "UnknownStandard",
    "classify",
    "escaped_on",
    "get_standard",
    "indicator_need_categories",
    "load_standards",
    "standard_for_year",
    "yearly_transition",
]
