"""Client methods: support records and policies, visits and the worklist, people in charge
and sponsorships."""

from typing import Any

from web.client_base import BaseClient, api_path, idempotency, without_blanks
from web.schemas import Page
from web.schemas_field import (
    Assignment,
    DuePage,
    Person,
    Policy,
    Sponsorship,
    Support,
    Visit,
)

MAX_PAGE = 500  # the API's largest page


class FieldMixin(BaseClient):
    # --- policies and supports -----------------------------------------------------------

    async def list_policies(
        self, *, active: bool | None = None, page_token: str | None = None
    ) -> Page[Policy]:
        params = without_blanks(
            {
                "active": None if active is None else str(active).lower(),
                "page_size": MAX_PAGE,
                "page_token": page_token,
            }
        )
        body = await self._json("GET", api_path("policies"), params=params)
        return Page[Policy].model_validate(body)

    async def create_policy(self, payload: dict[str, Any]) -> Policy:
        return Policy.model_validate(await self._json("POST", api_path("policies"), json=payload))

    async def list_supports(self, *, household_id: str) -> Page[Support]:
        params = {"household_id": household_id, "page_size": 100}
        body = await self._json("GET", api_path("supports"), params=params)
        return Page[Support].model_validate(body)

    async def record_support(
        self, payload: dict[str, Any], *, idempotency_key: str | None = None
    ) -> Support:
        body = await self._json(
            "POST", api_path("supports"), json=payload, headers=idempotency(idempotency_key)
        )
        return Support.model_validate(body)

    # --- visits ----------------------------------------------------------------------------

    async def list_visits(self, *, household_id: str, page_size: int = 20) -> Page[Visit]:
        params = {"household_id": household_id, "page_size": page_size}
        body = await self._json("GET", api_path("visits"), params=params)
        return Page[Visit].model_validate(body)

    async def record_visit(
        self, payload: dict[str, Any], *, idempotency_key: str | None = None
    ) -> Visit:
        body = await self._json(
            "POST", api_path("visits"), json=payload, headers=idempotency(idempotency_key)
        )
        return Visit.model_validate(body)

    async def visits_due(
        self,
        *,
        within_days: int = 7,
        place_id: str | None = None,
        person_id: str | None = None,
        page_size: int = 50,
        page_token: str | None = None,
        totals_only: bool = False,
    ) -> DuePage:
        params = without_blanks(
            {
                "within_days": within_days,
                "place_id": place_id,
                "person_id": person_id,
                "page_size": page_size,
                "page_token": page_token,
                "summary": "totals" if totals_only else None,
            }
        )
        return DuePage.model_validate(
            await self._json("GET", api_path("visits", "due"), params=params)
        )

    # --- people in charge ------------------------------------------------------------------

    async def list_persons(
        self,
        *,
        place_id: str | None = None,
        user_id: str | None = None,
        active: bool | None = True,
        q: str | None = None,
        page_token: str | None = None,
    ) -> Page[Person]:
        params = without_blanks(
            {
                "place_id": place_id,
                "user_id": user_id,
                "active": None if active is None else str(active).lower(),
                "q": q,
                "page_size": MAX_PAGE,
                "page_token": page_token,
            }
        )
        body = await self._json("GET", api_path("persons"), params=params)
        return Page[Person].model_validate(body)

    async def create_person(self, payload: dict[str, Any]) -> Person:
        return Person.model_validate(await self._json("POST", api_path("persons"), json=payload))

    async def list_assignments(
        self,
        *,
        household_id: str | None = None,
        person_id: str | None = None,
        active: bool | None = None,
        page_token: str | None = None,
    ) -> Page[Assignment]:
        params = without_blanks(
            {
                "household_id": household_id,
                "person_id": person_id,
                "active": None if active is None else str(active).lower(),
                "page_size": MAX_PAGE,
                "page_token": page_token,
            }
        )
        body = await self._json("GET", api_path("assignments"), params=params)
        return Page[Assignment].model_validate(body)

    async def create_assignment(self, payload: dict[str, Any]) -> Assignment:
        body = await self._json("POST", api_path("assignments"), json=payload)
        return Assignment.model_validate(body)

    async def end_assignment(self, assignment_id: str, payload: dict[str, Any]) -> Assignment:
        path = api_path("assignments", assignment_id, "end")
        return Assignment.model_validate(await self._json("POST", path, json=payload))

    # --- sponsors ----------------------------------------------------------------------------

    async def list_sponsorships(self, *, household_id: str) -> Page[Sponsorship]:
        params = {"household_id": household_id, "page_size": 50}
        body = await self._json("GET", api_path("sponsorships"), params=params)
        return Page[Sponsorship].model_validate(body)
