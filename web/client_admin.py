"""Client methods for the administration pages: places, users, agencies and their keys."""

from typing import Any

from pydantic import TypeAdapter

from web.client_base import BaseClient, api_path, if_match, without_blanks
from web.schemas import Page, Place, Versioned
from web.schemas_admin import Agency, ApiKey, CreatedKey, Scope, User

_scope_list = TypeAdapter(list[Scope])
_key_list = TypeAdapter(list[ApiKey])


class AdminMixin(BaseClient):
    async def create_place(self, payload: dict[str, Any]) -> Place:
        return Place.model_validate(await self._json("POST", api_path("places"), json=payload))

    # --- users -----------------------------------------------------------------------------

    async def list_users(self, *, page_token: str | None = None) -> Page[User]:
        params = without_blanks({"page_size": 200, "page_token": page_token})
        return Page[User].model_validate(await self._json("GET", api_path("users"), params=params))

    async def get_user(self, user_id: str) -> Versioned[User]:
        response = await self._send("GET", api_path("users", user_id))
        return Versioned[User](
            value=User.model_validate(response.json()), etag=response.headers.get("ETag", "")
        )

    async def create_user(self, payload: dict[str, Any]) -> User:
        return User.model_validate(await self._json("POST", api_path("users"), json=payload))

    async def update_user(self, user_id: str, changes: dict[str, Any], *, etag: str) -> User:
        body = await self._json(
            "PATCH", api_path("users", user_id), json=changes, headers=if_match(etag)
        )
        return User.model_validate(body)

    # --- agencies and keys -----------------------------------------------------------------

    async def list_agencies(self, *, page_token: str | None = None) -> Page[Agency]:
        params = without_blanks({"page_size": 200, "page_token": page_token})
        body = await self._json("GET", api_path("agencies"), params=params)
        return Page[Agency].model_validate(body)

    async def get_agency(self, agency_id: str) -> Agency:
        return Agency.model_validate(await self._json("GET", api_path("agencies", agency_id)))

    async def create_agency(self, payload: dict[str, Any]) -> Agency:
        return Agency.model_validate(await self._json("POST", api_path("agencies"), json=payload))

    async def list_scopes(self) -> list[Scope]:
        return _scope_list.validate_python(await self._json("GET", api_path("agencies", "scopes")))

    async def list_keys(self, agency_id: str) -> list[ApiKey]:
        body = await self._json("GET", api_path("agencies", agency_id, "keys"))
        return _key_list.validate_python(body["items"])

    async def create_key(self, agency_id: str, payload: dict[str, Any]) -> CreatedKey:
        body = await self._json("POST", api_path("agencies", agency_id, "keys"), json=payload)
        return CreatedKey.model_validate(body)

    async def revoke_key(self, agency_id: str, key_id: str) -> ApiKey:
        path = api_path("agencies", agency_id, "keys", key_id, "revoke")
        return ApiKey.model_validate(await self._json("POST", path))
