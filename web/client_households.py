"""Client methods: signing in, places and ethnicities, households and their members."""

from typing import Any

from pydantic import TypeAdapter

from web.client_base import BaseClient, api_path, idempotency, if_match, without_blanks
from web.schemas import (
    Ethnicity,
    Household,
    Member,
    Officer,
    Page,
    Place,
    TokenGrant,
    Versioned,
)

_ethnicity_list = TypeAdapter(list[Ethnicity])


class HouseholdsMixin(BaseClient):
    # --- auth -------------------------------------------------------------------------

    async def login(self, username: str, password: str) -> TokenGrant:
        response = await self._send(
            "POST", api_path("auth", "token"), data={"username": username, "password": password}
        )
        return TokenGrant.model_validate(response.json())

    async def logout(self) -> None:
        await self._send("POST", api_path("auth", "logout"))

    async def me(self) -> Officer:
        return Officer.model_validate((await self._send("GET", api_path("auth", "me"))).json())

    # --- reference data ----------------------------------------------------------------

    async def list_places(
        self,
        *,
        parent_id: str | None = None,
        level: str | None = None,
        q: str | None = None,
        page_size: int | None = None,
        page_token: str | None = None,
    ) -> Page[Place]:
        params = without_blanks(
            {
                "parent_id": parent_id,
                "level": level,
                "q": q,
                "page_size": page_size,
                "page_token": page_token,
            }
        )
        response = await self._send("GET", api_path("places"), params=params)
        return Page[Place].model_validate(response.json())

    async def list_ethnicities(self) -> list[Ethnicity]:
        response = await self._send("GET", api_path("ethnicities"))
        return _ethnicity_list.validate_python(response.json()["items"])

    # --- households --------------------------------------------------------------------

    async def list_households(
        self,
        *,
        q: str | None = None,
        place_id: str | None = None,
        status: str | None = None,
        ethnicity: str | None = None,
        page_size: int | None = None,
        page_token: str | None = None,
    ) -> Page[Household]:
        params = without_blanks(
            {
                "q": q,
                "place_id": place_id,
                "status": status,
                "ethnicity": ethnicity,
                "page_size": page_size,
                "page_token": page_token,
            }
        )
        response = await self._send("GET", api_path("households"), params=params)
        return Page[Household].model_validate(response.json())

    async def get_household(self, household_id: str) -> Versioned[Household]:
        response = await self._send("GET", api_path("households", household_id))
        return Versioned[Household](
            value=Household.model_validate(response.json()),
            etag=response.headers.get("ETag", ""),
        )

    async def create_household(
        self, payload: dict[str, Any], *, idempotency_key: str | None = None
    ) -> Household:
        response = await self._send(
            "POST", api_path("households"), json=payload, headers=idempotency(idempotency_key)
        )
        return Household.model_validate(response.json())

    async def update_household(
        self, household_id: str, changes: dict[str, Any], *, etag: str
    ) -> Versioned[Household]:
        response = await self._send(
            "PATCH", api_path("households", household_id), json=changes, headers=if_match(etag)
        )
        return Versioned[Household](
            value=Household.model_validate(response.json()),
            etag=response.headers.get("ETag", ""),
        )

    async def count_households(self, **filters: Any) -> int:
        """How many households match (the API counts on request; one row is fetched)."""
        params = without_blanks({**filters, "page_size": 1, "total": "true"})
        body = await self._json("GET", api_path("households"), params=params)
        return int(body.get("total") or 0)

    async def list_households_by_risk(
        self, *, place_id: str | None = None, page_size: int = 10
    ) -> Page[Household]:
        """The early-warning list: highest re-poverty risk first."""
        params = without_blanks({"place_id": place_id, "sort": "-risk", "page_size": page_size})
        body = await self._json("GET", api_path("households"), params=params)
        return Page[Household].model_validate(body)

    # --- members -----------------------------------------------------------------------

    async def get_member(self, household_id: str, member_id: str) -> Versioned[Member]:
        response = await self._send(
            "GET", api_path("households", household_id, "members", member_id)
        )
        return Versioned[Member](
            value=Member.model_validate(response.json()), etag=response.headers.get("ETag", "")
        )

    async def add_member(
        self, household_id: str, payload: dict[str, Any], *, idempotency_key: str | None = None
    ) -> Member:
        body = await self._json(
            "POST",
            api_path("households", household_id, "members"),
            json=payload,
            headers=idempotency(idempotency_key),
        )
        return Member.model_validate(body)

    async def update_member(
        self, household_id: str, member_id: str, changes: dict[str, Any], *, etag: str
    ) -> Member:
        body = await self._json(
            "PATCH",
            api_path("households", household_id, "members", member_id),
            json=changes,
            headers=if_match(etag),
        )
        return Member.model_validate(body)
