"""Typed async client of the giamngheo REST API (v1), used by every web route.

The web app is a client like any agency: it only knows the HTTP contract. One class per
group of resources (``client_*.py``), combined here; errors come from ``client_base``.
"""

from web.client_admin import AdminMixin
from web.client_base import (
    API_PREFIX,
    ApiError,
    ApiUnavailable,
    FieldProblem,
    problem_from_response,
)
from web.client_field import FieldMixin
from web.client_households import HouseholdsMixin
from web.client_reports import ReportsMixin
from web.client_reviews import ReviewsMixin

__all__ = [
    "API_PREFIX",
    "ApiClient",
    "ApiError",
    "ApiUnavailable",
    "FieldProblem",
    "problem_from_response",
]


class ApiClient(HouseholdsMixin, ReviewsMixin, FieldMixin, AdminMixin, ReportsMixin):
    """The API as seen by one officer: every call carries their bearer token and language."""
