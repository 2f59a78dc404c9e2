"""The transport under the typed API client: errors, paths, and one ``_send``.

Errors arrive as RFC 9457 problem+json and become ``ApiError``; an API that cannot be
reached (or a proxy saying so with 502/503/504) becomes ``ApiUnavailable``.
"""

import hashlib
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any
from urllib.parse import quote, urlencode

import httpx

if TYPE_CHECKING:
    from web.reference_cache import ReferenceCache

API_PREFIX = "/api/v1"
UNAVAILABLE_STATUSES = frozenset({502, 503, 504})
JSON = "application/json"
REFERENCE_PATHS = tuple(f"{API_PREFIX}/{name}" for name in ("places", "ethnicities", "policies"))


def is_reference_path(path: str) -> bool:
    """The lists every screen names things from, which the web app may cache briefly."""
    return any(path == p or path.startswith(p + "/") for p in REFERENCE_PATHS)


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
    detail_vi: str = ""
    body: dict[str, Any] = field(default_factory=dict)  # the whole problem, for extensions

    def __str__(self) -> str:
        return f"{self.status} {self.title}: {self.detail}"

    def detail_in(self, locale: str) -> str:
        """The API's sentence, in Vietnamese where it gives one (``detail_vi``)."""
        return self.detail_vi if locale == "vi" and self.detail_vi else self.detail


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
        detail_vi=str(body.get("detail_vi") or ""),
        body=body,
    )


def without_blanks(params: dict[str, Any]) -> dict[str, Any]:
    # An empty filter is "no filter"; sending it would ask the API for an empty value.
    return {key: value for key, value in params.items() if value not in (None, "")}


def api_path(*parts: str) -> str:
    # IDs are opaque strings: quote them so a "/" or "?" can never change the route.
    return API_PREFIX + "".join("/" + quote(part, safe="") for part in parts)


class BaseClient:
    """The API as seen by one officer: every call carries their bearer token and language."""

    def __init__(
        self,
        http: httpx.AsyncClient,
        *,
        token: str | None = None,
        locale: str = "vi",
        cache: "ReferenceCache | None" = None,
    ) -> None:
        self._http = http
        self._headers = {"Accept-Language": locale}
        if token:
            self._headers["Authorization"] = f"Bearer {token}"
        self._cache = cache
        self._caller = hashlib.sha256((token or "").encode()).hexdigest()
        self._locale = locale

    async def _send(
        self, method: str, url: str, *, headers: dict[str, str] | None = None, **kwargs: Any
    ) -> httpx.Response:
        if self._cache is None or not is_reference_path(url):
            return await self._send_uncached(method, url, headers=headers, **kwargs)
        if method != "GET":
            self._cache.forget_caller(self._caller)
        if method != "GET" or url not in REFERENCE_PATHS:  # one record: its ETag matters
            return await self._send_uncached(method, url, headers=headers, **kwargs)
        query = urlencode(sorted((kwargs.get("params") or {}).items()))
        key = (self._caller, self._locale, f"{url}?{query}")
        body = self._cache.get(key)
        if body is not None:
            return httpx.Response(200, content=body, headers={"Content-Type": JSON})
        response = await self._send_uncached(method, url, headers=headers, **kwargs)
        self._cache.put(key, response.content)
        return response

    async def _send_uncached(
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

    async def _json(self, method: str, url: str, **kwargs: Any) -> Any:
        return (await self._send(method, url, **kwargs)).json()


def idempotency(key: str | None) -> dict[str, str] | None:
    return {"Idempotency-Key": key} if key else None


def if_match(etag: str) -> dict[str, str]:
    return {"If-Match": etag}
