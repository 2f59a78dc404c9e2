"""Domain exceptions with their HTTP status, and the RFC 9457 problem+json handlers."""

import logging
from http import HTTPStatus
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from sqlalchemy.exc import DataError, IntegrityError, OperationalError
from starlette.exceptions import HTTPException as StarletteHTTPException

from api.standards import StandardsError

log = logging.getLogger("giamngheo.errors")

PROBLEM_JSON = "application/problem+json"
TYPE_BASE = "https://giamngheo.example/problems/"


class DomainError(Exception):
    """An error the caller can act on; carries its status and a stable problem type."""

    status = 400
    slug = "bad-request"
    title = "Bad request"

    def __init__(
        self,
        detail: str,
        *,
        errors: list[dict[str, str]] | None = None,
        headers: dict[str, str] | None = None,
        **extra: Any,
    ):
        super().__init__(detail)
        self.detail = detail
        self.errors = errors
        self.headers = headers or {}
        self.extra = extra


class BadRequest(DomainError):
    pass


class Unauthorized(DomainError):
    status, slug, title = 401, "unauthorized", "Authentication required"

    def __init__(self, detail: str = "A valid bearer token is required.", **kw):
        kw.setdefault("headers", {"WWW-Authenticate": "Bearer"})
        super().__init__(detail, **kw)


class Forbidden(DomainError):
    status, slug, title = 403, "forbidden", "Not allowed"


class NotFound(DomainError):
    status, slug, title = 404, "not-found", "Not found"


class Conflict(DomainError):
    status, slug, title = 409, "conflict", "Conflict"


class Gone(DomainError):
    status, slug, title = 410, "gone", "Gone"


class PreconditionFailed(DomainError):
    status, slug, title = 412, "precondition-failed", "The record has changed"


class PayloadTooLarge(DomainError):
    status, slug, title = 413, "payload-too-large", "Payload too large"


class UnsupportedMediaType(DomainError):
    status, slug, title = 415, "unsupported-media-type", "Unsupported media type"


class ValidationFailed(DomainError):
    status, slug, title = 422, "validation-error", "Invalid input"

    def __init__(self, detail: str, *, pointer: str | None = None, **kw):
        if pointer is not None and "errors" not in kw:
            kw["errors"] = [{"pointer": pointer, "detail": detail}]
        super().__init__(detail, **kw)


class PreconditionRequired(DomainError):
    status, slug, title = 428, "precondition-required", "If-Match header required"


class TooManyRequests(DomainError):
    status, slug, title = 429, "too-many-requests", "Too many requests"


def problem_body(
    status: int, title: str, detail: str, slug: str, instance: str | None = None, **extra: Any
) -> dict[str, Any]:
    """The RFC 9457 object; extra members only when they have a value."""
    body: dict[str, Any] = {
        "type": TYPE_BASE + slug,
        "title": title,
        "status": status,
        "detail": detail,
    }
    if instance:
        body["instance"] = instance
    body.update({key: value for key, value in extra.items() if value is not None})
    return body


def problem_response(
    status: int,
    title: str,
    detail: str,
    slug: str,
    *,
    headers: dict[str, str] | None = None,
    **extra: Any,
) -> JSONResponse:
    return JSONResponse(
        problem_body(status, title, detail, slug, **extra),
        status_code=status,
        media_type=PROBLEM_JSON,
        headers=headers,
    )


def _pointer(loc: tuple[Any, ...]) -> tuple[str, str]:
    """JSON Pointer for a pydantic error location, and where it was (body, query, …)."""
    where = str(loc[0]) if loc else "body"
    parts = [str(part).replace("~", "~0").replace("/", "~1") for part in loc[1:]]
    return "/" + "/".join(parts), where


def validation_errors(exc: RequestValidationError) -> tuple[str, list[dict[str, str]]]:
    """Turn FastAPI's error list into contract errors; also the detail line."""
    errors = []
    for err in exc.errors():
        pointer, where = _pointer(tuple(err.get("loc", ())))
        # code: pydantic's stable error type, so a client can word the message itself.
        item = {"pointer": pointer, "detail": err.get("msg", "invalid"), "code": err["type"]}
        if where != "body":
            item["in"] = where
        errors.append(item)
    detail = "; ".join(f"{e['pointer']}: {e['detail']}" for e in errors[:5])
    return detail, errors


def install_error_handlers(app: FastAPI) -> None:
    """Every error the API sends is application/problem+json."""

    @app.exception_handler(DomainError)
    async def _domain(request: Request, exc: DomainError):
        return problem_response(
            exc.status,
            exc.title,
            exc.detail,
            exc.slug,
            headers=exc.headers,
            errors=exc.errors,
            **exc.extra,
        )

    @app.exception_handler(StandardsError)
    async def _standards(request: Request, exc: StandardsError):
        # The classification engine names the field and a stable code; pass both on.
        errors = [{"pointer": exc.pointer or "", "detail": exc.message, "code": exc.code}]
        return problem_response(
            422, ValidationFailed.title, exc.message, ValidationFailed.slug, errors=errors
        )

    @app.exception_handler(RequestValidationError)
    async def _validation(request: Request, exc: RequestValidationError):
        if any(err.get("type") == "json_invalid" for err in exc.errors()):
            return problem_response(
                400, "Malformed JSON", "The request body is not valid JSON.", "malformed-json"
            )
        detail, errors = validation_errors(exc)
        return problem_response(
            422, ValidationFailed.title, detail, ValidationFailed.slug, errors=errors
        )

    @app.exception_handler(StarletteHTTPException)
    async def _http(request: Request, exc: StarletteHTTPException):
        if isinstance(exc.__cause__, DomainError):
            # FastAPI turns an error raised while reading the body (413) into a bare 400.
            return await _domain(request, exc.__cause__)
        status = exc.status_code
        title = HTTPStatus(status).phrase if status in HTTPStatus._value2member_map_ else "Error"
        detail = exc.detail if isinstance(exc.detail, str) else title
        slug = title.lower().replace(" ", "-")
        return problem_response(status, title, detail, slug, headers=exc.headers)

    @app.exception_handler(IntegrityError)
    async def _integrity(request: Request, exc: IntegrityError):
        # Reached only by a race the services' own checks could not see (e.g. two inserts
        # of one unique code at once): the loser gets a conflict, never a 500.
        log.info("integrity conflict: %s", exc.orig)
        return problem_response(
            409,
            Conflict.title,
            "The record conflicts with another one that was just saved.",
            Conflict.slug,
        )

    @app.exception_handler(DataError)
    async def _data(request: Request, exc: DataError):
        # A value the database refuses (PostgreSQL: a NUL character in text) is bad input.
        log.info("data error: %s", exc.orig)
        return problem_response(
            400,
            BadRequest.title,
            "The request holds a value the database cannot store (such as a NUL character).",
            BadRequest.slug,
        )

    @app.exception_handler(OperationalError)
    async def _operational(request: Request, exc: OperationalError):
        log.exception("database unavailable")
        return problem_response(
            503,
            "Service unavailable",
            "The database is busy or unreachable; try again.",
            "unavailable",
            headers={"Retry-After": "5"},
        )

    @app.exception_handler(Exception)
    async def _unexpected(request: Request, exc: Exception):
        log.exception("unhandled error")
        return problem_response(
            500,
            "Internal error",
            "An unexpected error occurred; it has been logged.",
            "internal-error",
        )
