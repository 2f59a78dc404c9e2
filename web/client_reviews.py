"""Client methods: poverty standards, the classification preview, annual reviews, needs and
a household's timeline."""

from typing import Any

from pydantic import TypeAdapter

from web.client_base import BaseClient, api_path, idempotency, if_match, without_blanks
from web.schemas import Page, Versioned
from web.schemas_field import (
    Assessment,
    Classification,
    HouseholdProfile,
    Need,
    Standard,
    StandardSummary,
    Timeline,
)

_standard_list = TypeAdapter(list[StandardSummary])


class ReviewsMixin(BaseClient):
    async def list_standards(self) -> list[StandardSummary]:
        body = await self._json("GET", api_path("standards"))
        return _standard_list.validate_python(body["items"])

    async def get_standard(self, code: str) -> Standard:
        return Standard.model_validate(await self._json("GET", api_path("standards", code)))

    async def classify(self, payload: dict[str, Any]) -> Classification:
        body = await self._json("POST", api_path("classify"), json=payload)
        return Classification.model_validate(body)

    # --- assessments -------------------------------------------------------------------

    async def list_assessments(self, household_id: str) -> Page[Assessment]:
        path = api_path("households", household_id, "assessments")
        body = await self._json("GET", path, params={"page_size": 50})
        return Page[Assessment].model_validate(body)

    async def get_assessment(self, household_id: str, assessment_id: str) -> Versioned[Assessment]:
        path = api_path("households", household_id, "assessments", assessment_id)
        response = await self._send("GET", path)
        return Versioned[Assessment](
            value=Assessment.model_validate(response.json()),
            etag=response.headers.get("ETag", ""),
        )

    async def create_assessment(
        self, household_id: str, payload: dict[str, Any], *, idempotency_key: str | None = None
    ) -> Assessment:
        body = await self._json(
            "POST",
            api_path("households", household_id, "assessments"),
            json=payload,
            headers=idempotency(idempotency_key),
        )
        return Assessment.model_validate(body)

    async def apply_step(
        self, household_id: str, assessment_id: str, payload: dict[str, Any], *, etag: str
    ) -> Assessment:
        path = api_path("households", household_id, "assessments", assessment_id, "steps")
        headers = if_match(etag) if etag else None
        body = await self._json("POST", path, json=payload, headers=headers)
        return Assessment.model_validate(body)

    # --- needs and the timeline ----------------------------------------------------------

    async def list_needs(
        self, *, household_id: str | None = None, status: str | None = None
    ) -> Page[Need]:
        params = without_blanks({"household_id": household_id, "status": status, "page_size": 200})
        return Page[Need].model_validate(await self._json("GET", api_path("needs"), params=params))

    async def household_profile(self, household_id: str) -> HouseholdProfile:
        body = await self._json("GET", api_path("households", household_id, "profile"))
        return HouseholdProfile.model_validate(body)

    async def timeline(self, household_id: str) -> Timeline:
        body = await self._json("GET", api_path("households", household_id, "timeline"))
        return Timeline.model_validate(body)
