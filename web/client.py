"""Typed async client of the giamngheo REST API (v1), used by every web route.

The web app is a client like any agency: it only knows the HTTP contract. Errors arrive as
RFC 9457 problem+json and become ``ApiError``; an API that cannot be reached (or a proxy
saying so with 502/503/504) becomes ``ApiUnavailable``.
"""

from dataclasses import dataclass, field
from typing import Any
from urllib.parse import quote

import httpx
from pydantic import TypeAdapter

from web.schemas import (
    Ethnicity,
    Household,
    Officer,
    Page,
    Place,
    TokenGrant,
    Versioned,
)

API_PREFIX = "/api/v1"
UNAVAILABLE_STATUSES = frozenset({502, 503, 504})
_ethnicity_list = TypeAdapter(list[Ethnicity])


@dataclass(frozen=True)
class FieldProblem:
    """One entry of a problem's ``errors``: a JSON Pointer into the request body, the API's
    message, and, when the API gives one, a stable machine-readable code."""

    pointer: str
    detail: str
    code: str | None = None


@dataclass(eq=False)  # exceptions must stay hashable
class ApiError(Exception):
    status: int
    title: str
    detail: str = ""
    errors: list[FieldProblem] = field(default_factory=list)
    type: str = "about:blank"

    def __str__(self) -> str:
        return f"{self.status} {self.title}: {self.detail}"


class ApiUnavailable(Exception):
    """The API could not be reached, timed out, or a gateway reported it down."""


def problem_from_response(response: httpx.Response) -> ApiError:
    """Read an RFC 9457 body; tolerate a non-JSON body so an error page can still be shown."""
    try:
        body = response.json()
    except ValueError:
        body = {}
    if not isinstance(body, dict):
        body = {}
    errors = [
        FieldProblem(
            pointer=str(item.get("pointer", "")),
            detail=str(item.get("detail", "")),
            code=str(item["code"]) if item.get("code") else None,
        )
        for item in body.get("errors") or []
        if isinstance(item, dict)
    ]
    return ApiError(
        status=response.status_code,
        title=str(body.get("title") or response.reason_phrase),
        detail=str(body.get("detail") or ""),
        errors=errors,
        type=str(body.get("type") or "about:blank"),
    )


def _without_blanks(params: dict[str, Any]) -> dict[str, Any]:
    # An empty filter is "no filter"; sending it would ask the API for an empty value.
    return {key: value for key, value in params.items() if value not in (None, "")}


def _path(*parts: str) -> str:
    # IDs are opaque strings: quote them so a "/" or "?" can never change the route.
    return API_PREFIX + "".join("/" + quote(part, safe="") for part in parts)


class ApiClient:
    """The API as seen by one officer: every call carries their bearer token and language."""

    def __init__(
        self, http: httpx.AsyncClient, *, token: str | None = None, locale: str = "vi"
    ) -> None:
        self._http = http
        self._headers = {"Accept-Language": locale}
        if token:
            self._headers["Authorization"] = f"Bearer {token}"

    async def _send(
        self, method: str, url: str, *, headers: dict[str, str] | None = None, **kwargs: Any
    ) -> httpx.Response:
        try:
            response = await self._http.request(
                method, url, headers={**self._headers, **(headers or {})}, **kwargs
            )
        except httpx.TransportError as exc:
            raise ApiUnavailable(str(exc)) from exc
        if response.status_code in UNAVAILABLE_STATUSES:
            raise ApiUnavailable(f"API answered {response.status_code}")
        if response.status_code >= 400:
            raise problem_from_response(response)
        return response

    # --- auth -------------------------------------------------------------------------

    async def login(self, username: str, password: str) -> TokenGrant:
        response = await self._send(
            "POST", _path("auth", "token"), data={"username": username, "password": password}
        )
        return TokenGrant.model_validate(response.json())

    async def logout(self) -> None:
        await self._send("POST", _path("auth", "logout"))

    async def me(self) -> Officer:
        return Officer.model_validate((await self._send("GET", _path("auth", "me"))).json())

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
        params = _without_blanks(
            {
                "parent_id": parent_id,
                "level": level,
                "q": q,
                "page_size": page_size,
                "page_token": page_token,
            }
        )
        response = await self._send("GET", _path("places"), params=params)
        return Page[Place].model_validate(response.json())

    async def list_ethnicities(self) -> list[Ethnicity]:
        response = await self._send("GET", _path("ethnicities"))
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
        params = _without_blanks(
            {
                "q": q,
                "place_id": place_id,
                "status": status,
                "ethnicity": ethnicity,
                "page_size": page_size,
                "page_token": page_token,
            }
        )
        response = await self._send("GET", _path("households"), params=params)
        return Page[Household].model_validate(response.json())

    async def get_household(self, household_id: str) -> Versioned[Household]:
        response = await self._send("GET", _path("households", household_id))
        return Versioned[Household](
            value=Household.model_validate(response.json()),
            etag=response.headers.get("ETag", ""),
        )

    async def create_household(
        self, payload: dict[str, Any], *, idempotency_key: str | None = None
    ) -> Household:
        headers = {"Idempotency-Key": idempotency_key} if idempotency_key else None
        response = await self._send("POST", _path("households"), json=payload, headers=headers)
        return Household.model_validate(response.json())

    async def update_household(
        self, household_id: str, changes: dict[str, Any], *, etag: str
    ) -> Versioned[Household]:
        response = await self._send(
            "PATCH", _path("households", household_id), json=changes, headers={"If-Match": etag}
        )
        return Versioned[Household](
            value=Household.model_validate(response.json()),
            etag=response.headers.get("ETag", ""),
        )
