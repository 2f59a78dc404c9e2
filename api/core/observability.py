"""Structured logs (one JSON object per line) and the request log line with its metrics.

The request line names the route template (`/api/v1/households/{household_id}`), never the
raw path or the query string, which may hold personal data; it carries the request id and
the caller's id, never a token. Web pages are logged as one template, `/{web}`.
"""

import json
import logging
import sys
import time
from datetime import UTC, datetime

from fastapi.routing import iter_route_contexts
from starlette.routing import compile_path
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from api import metrics
from api.core.context import request_id_var

access_log = logging.getLogger("giamngheo.access")

# Attributes every LogRecord has; anything else passed in `extra=` goes into the JSON object.
_STANDARD = set(logging.LogRecord("", 0, "", 0, "", (), None).__dict__) | {"message", "asctime"}


class JsonFormatter(logging.Formatter):
    """time, level, logger, message, the request id, then the record's extra fields."""

    def format(self, record: logging.LogRecord) -> str:
        entry = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        request_id = request_id_var.get()
        if request_id:
            entry["request_id"] = request_id
        for key, value in record.__dict__.items():
            if key not in _STANDARD and not key.startswith("_"):
                entry[key] = value
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        return json.dumps(entry, ensure_ascii=False, default=str)


_HANDLER_NAME = "giamngheo"
TEXT_FORMAT = "%(levelname)s %(name)s %(message)s"


def configure_logging(level: str, fmt: str) -> None:
    """One stderr handler on the root logger (replaced, never added twice)."""
    root = logging.getLogger()
    for handler in list(root.handlers):
        if handler.get_name() == _HANDLER_NAME:
            root.removeHandler(handler)
    handler = logging.StreamHandler(sys.stderr)
    handler.set_name(_HANDLER_NAME)
    handler.setFormatter(JsonFormatter() if fmt == "json" else logging.Formatter(TEXT_FORMAT))
    root.addHandler(handler)
    root.setLevel(level.upper())
    # httpx logs every request's whole URL at INFO, query string (names, purposes) included.
    logging.getLogger("httpx").setLevel(logging.WARNING)


def uvicorn_log_config(level: str, fmt: str) -> dict:
    """uvicorn's own loggers through the same formatter; its access log is replaced by ours."""
    formatter = (
        {"()": "api.core.observability.JsonFormatter"} if fmt == "json" else {"format": TEXT_FORMAT}
    )
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "formatters": {"default": formatter},
        "handlers": {
            "default": {
                "class": "logging.StreamHandler",
                "formatter": "default",
                "stream": "ext://sys.stderr",
            }
        },
        "loggers": {
            "uvicorn": {"handlers": ["default"], "level": level.upper(), "propagate": False},
            "uvicorn.access": {"handlers": [], "level": "WARNING", "propagate": False},
        },
    }


class RequestLogMiddleware:
    """One log line and one metrics observation per HTTP request."""

    def __init__(self, app: ASGIApp, *, api_prefix: str = "/api/"):
        self.app = app
        self.api_prefix = api_prefix
        self._routes: list | None = None

    def _template(self, scope: Scope) -> str:
        path = scope["path"]
        if self._routes is None:
            routes = []
            for context in iter_route_contexts(scope["app"].routes):
                template = context.path
                if template and "{path" not in template and template != "/":
                    routes.append((compile_path(template)[0], template))
            self._routes = routes
        for regex, template in self._routes:
            if regex.match(path):
                return template
        return "unmatched" if path.startswith(self.api_prefix) else "/{web}"

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        started = time.perf_counter()
        status = 500

        async def recording_send(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
            await send(message)

        try:
            await self.app(scope, receive, recording_send)
        finally:
            seconds = time.perf_counter() - started
            route = self._template(scope)
            metrics.observe_request(scope["method"], route, status, seconds)
            state = scope.get("state") or {}
            access_log.info(
                "%s %s %s",
                scope["method"],
                route,
                status,
                extra={
                    "method": scope["method"],
                    "route": route,
                    "status": status,
                    "duration_ms": round(seconds * 1000, 1),
                    "principal_id": state.get("principal_id"),
                },
            )
