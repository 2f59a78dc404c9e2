"""Client methods: reports (JSON for the screens, CSV or Excel to download), household
imports and targets."""

from dataclasses import dataclass
from typing import Any

from web.client_base import ApiError, BaseClient, api_path, if_match, without_blanks
from web.schemas import Page, Versioned
from web.schemas_reports import EarlyWarning, PovertyRate, Target, Transitions


@dataclass(frozen=True)
class Download:
    content: bytes
    media_type: str
    disposition: str


class ReportsMixin(BaseClient):
    async def report(self, name: str, params: dict[str, Any]) -> dict[str, Any]:
        """Any report as JSON (the reports page renders them generically)."""
        return await self._json("GET", api_path("reports", name), params=without_blanks(params))

    async def export_report(self, name: str, params: dict[str, Any], fmt: str) -> Download:
        query = without_blanks({**params, "format": fmt})
        response = await self._send("GET", api_path("reports", name), params=query)
        return Download(
            content=response.content,
            media_type=response.headers.get("Content-Type", "application/octet-stream"),
            disposition=response.headers.get("Content-Disposition", "attachment"),
        )

    async def poverty_rate(
        self, *, year: int | None = None, place_id: str | None = None
    ) -> PovertyRate:
        params = {"year": year, "place_id": place_id}
        return PovertyRate.model_validate(await self.report("poverty-rate", params))

    async def transitions(
        self, *, from_year: int, to_year: int, place_id: str | None = None
    ) -> Transitions:
        params = {"from_year": from_year, "to_year": to_year, "place_id": place_id, "by": "year"}
        return Transitions.model_validate(await self.report("transitions", params))

    async def early_warning(self, *, place_id: str | None = None, limit: int = 5) -> EarlyWarning:
        params = {"place_id": place_id, "limit": limit}
        return EarlyWarning.model_validate(await self.report("early-warning", params))

    # --- imports -------------------------------------------------------------------------------

    async def import_households(
        self, content: bytes, *, file_name: str, params: dict[str, Any]
    ) -> dict[str, Any]:
        """The import's report; a file refused as a whole (atomic=all) still has one."""
        files = {"file": (file_name, content, "application/octet-stream")}
        try:
            return await self._json(
                "POST",
                api_path("imports", "households"),
                params=without_blanks(params),
                files=files,
            )
        except ApiError as exc:
            if exc.status == 422 and isinstance(exc.body.get("report"), dict):
                return exc.body["report"]
            raise

    async def list_imports(self) -> list[dict[str, Any]]:
        body = await self._json("GET", api_path("imports"), params={"page_size": 20})
        return list(body["items"])

    async def get_import(self, import_id: str) -> dict[str, Any]:
        return await self._json("GET", api_path("imports", import_id))

    async def download(self, *parts: str, params: dict[str, Any]) -> Download:
        """A file the API serves (templates, errors files), passed through as it is."""
        response = await self._send("GET", api_path(*parts), params=without_blanks(params))
        return Download(
            content=response.content,
            media_type=response.headers.get("Content-Type", "application/octet-stream"),
            disposition=response.headers.get("Content-Disposition", "attachment"),
        )

    # --- targets -----------------------------------------------------------------------------

    async def list_targets(
        self, *, place_id: str | None = None, kind: str | None = None
    ) -> Page[Target]:
        params = without_blanks({"place_id": place_id, "kind": kind, "page_size": 200})
        return Page[Target].model_validate(
            await self._json("GET", api_path("targets"), params=params)
        )

    async def get_target(self, target_id: str) -> Versioned[Target]:
        response = await self._send("GET", api_path("targets", target_id))
        return Versioned[Target](
            value=Target.model_validate(response.json()), etag=response.headers.get("ETag", "")
        )

    async def create_target(self, payload: dict[str, Any]) -> Target:
        return Target.model_validate(await self._json("POST", api_path("targets"), json=payload))

    async def delete_target(self, target_id: str, *, etag: str) -> None:
        await self._send("DELETE", api_path("targets", target_id), headers=if_match(etag))
