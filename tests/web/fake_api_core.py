"""The fake API's shared core: its state, problem+json answers and name folding."""

import unicodedata
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from fastapi.responses import JSONResponse

API = "/api/v1"
CRASHING_ID = "crash"  # reading this household makes the fake API fail with a 500
STATUSES = ("unclassified", "poor", "near_poor", "average", "not_poor")
GENDERS = ("male", "female", "other")
RELATIONS = ("head", "spouse", "child", "parent", "grandchild", "sibling", "other")

PYDANTIC_MESSAGES = {
    "missing": "Field required",
    "string_too_short": "String should have at least 1 character",
    "literal_error": "Input should be one of the allowed values",
    "int_parsing": "Input should be a valid integer, unable to parse string as an integer",
    "string_pattern_mismatch": "String should match pattern",
}
MESSAGES = {
    "citizen_id": {
        "vi": "Số định danh phải gồm đúng 12 chữ số.",
        "en": "The citizen ID must be exactly 12 digits.",
    },
    "birth_year": {
        "vi": "Năm sinh phải từ 1900 đến năm nay.",
        "en": "The year of birth must be between 1900 and this year.",
    },
    "code_taken": {"vi": "Mã hộ đã tồn tại.", "en": "This household code already exists."},
    "unknown_place": {"vi": "Địa bàn không tồn tại.", "en": "Unknown place."},
    "unknown_ethnicity": {"vi": "Dân tộc không hợp lệ.", "en": "Unknown ethnicity."},
}


def fold(text: str) -> str:
    """Case- and diacritic-insensitive form, as the real API searches names."""
    decomposed = unicodedata.normalize("NFD", text.replace("đ", "d").replace("Đ", "D"))
    return "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()


def problem(status: int, title: str, detail: str = "", **extra: Any) -> JSONResponse:
    body = {"type": "about:blank", "title": title, "status": status, "detail": detail, **extra}
    return JSONResponse(body, status_code=status, media_type="application/problem+json")


@dataclass
class FakeState:
    users: dict[str, dict[str, Any]] = field(default_factory=dict)
    passwords: dict[str, str] = field(default_factory=dict)
    tokens: dict[str, str] = field(default_factory=dict)  # token -> username
    places: list[dict[str, Any]] = field(default_factory=list)
    ethnicities: list[dict[str, str]] = field(default_factory=list)
    households: dict[str, dict[str, Any]] = field(default_factory=dict)
    versions: dict[str, int] = field(default_factory=dict)
    requests: list[dict[str, Any]] = field(default_factory=list)
    down: bool = False
    token_lifetime: int = 3600
    # field work (tests/web/fake_api_field.py)
    assessments: dict[str, dict[str, Any]] = field(default_factory=dict)
    classify_calls: list[dict[str, Any]] = field(default_factory=list)
    needs: list[dict[str, Any]] = field(default_factory=list)
    timelines: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    member_versions: dict[str, int] = field(default_factory=dict)
    policies: list[dict[str, Any]] = field(default_factory=list)
    supports: list[dict[str, Any]] = field(default_factory=list)
    persons: list[dict[str, Any]] = field(default_factory=list)
    assignments: list[dict[str, Any]] = field(default_factory=list)
    visits: list[dict[str, Any]] = field(default_factory=list)
    due: list[dict[str, Any]] = field(default_factory=list)
    sponsorships: list[dict[str, Any]] = field(default_factory=list)
    # administration and reports (tests/web/fake_api_admin.py)
    agencies: list[dict[str, Any]] = field(default_factory=list)
    keys: list[dict[str, Any]] = field(default_factory=list)
    user_versions: dict[str, int] = field(default_factory=dict)
    targets: list[dict[str, Any]] = field(default_factory=list)
    reports_available: bool = True
    imports: list[dict[str, Any]] = field(default_factory=list)

    def etag(self, household_id: str) -> str:
        return f'"v{self.versions[household_id]}"'

    def add_household(self, **fields: Any) -> dict[str, Any]:
        household_id = fields.pop("id", None) or f"h-{len(self.households) + 1:04d}"
        now = datetime(2026, 3, 1, 2, 30, tzinfo=UTC).isoformat()
        place = next(p for p in self.places if p["id"] == fields["place_id"])
        record = {
            "id": household_id,
            "code": "",
            "place_id": "",
            "head_name": "",
            "ethnicity": "kinh",
            "address": None,
            "phone": None,
            "status": "unclassified",
            "status_since": None,
            "ethnic_minority": fields.get("ethnicity", "kinh") != "kinh",
            "without_labour_capacity": False,
            "risk_score": None,
            "risk_reasons": [],
            "meritorious_service": False,
            "social_protection": False,
            "notes": None,
            "archived": False,
            "created_at": now,
            "updated_at": now,
            "members": [],
            "commune_id": place["parent_id"] if place["level"] == "hamlet" else place["id"],
        }
        record.update(fields)
        for index, member in enumerate(record["members"]):
            member.setdefault("id", f"{household_id}-m{index + 1}")
        self.households[household_id] = record
        self.versions[household_id] = 1
        return record
