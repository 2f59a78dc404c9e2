"""The OpenAPI document says what every error looks like: RFC 9457 application/problem+json.

FastAPI documents only the 2xx answers and a 422 of its own shape. This rewrites the
generated document once: every operation gets `4XX` and `5XX` answers with the Problem
schema, and every error status a route declares gets that schema as its content (a
validation error adds `errors: [{pointer, detail}]`). Clients, and the fuzzing test, can
then check each error against the contract.
"""

from typing import Any

from fastapi import FastAPI
from fastapi.openapi.utils import get_openapi

from api.errors import PROBLEM_JSON

PROBLEM_SCHEMA = {
    "type": "object",
    "description": "RFC 9457 problem details",
    "required": ["type", "title", "status", "detail"],
    "properties": {
        "type": {"type": "string", "format": "uri"},
        "title": {"type": "string"},
        "status": {"type": "integer", "minimum": 400, "maximum": 599},
        "detail": {"type": "string"},
        "instance": {"type": "string"},
        "errors": {
            "type": "array",
            "description": "What is wrong with the input: one item per field (JSON Pointer)",
            "items": {
                "type": "object",
                "required": ["pointer", "detail"],
                "properties": {
                    "pointer": {"type": "string"},
                    "detail": {"type": "string"},
                    "in": {"type": "string", "description": "query, path, header (not body)"},
                    "code": {"type": "string"},
                },
            },
        },
    },
    "additionalProperties": True,
}
PROBLEM_REF = {"$ref": "#/components/schemas/Problem"}
_ERROR_RANGES = {"4XX": "Client error (problem+json)", "5XX": "Server error (problem+json)"}


def _problem_content() -> dict[str, Any]:
    return {PROBLEM_JSON: {"schema": PROBLEM_REF}}


def with_problems(document: dict[str, Any]) -> dict[str, Any]:
    """The document with problem+json on every error answer of every operation."""
    document.setdefault("components", {}).setdefault("schemas", {})["Problem"] = PROBLEM_SCHEMA
    for item in document.get("paths", {}).values():
        for operation in item.values():
            if not isinstance(operation, dict) or "responses" not in operation:
                continue
            responses = operation["responses"]
            for status, answer in responses.items():
                if status[:1] in ("4", "5"):
                    answer["content"] = _problem_content()
                    if status == "422":
                        answer["description"] = "Invalid input (problem+json with errors)"
            for status, description in _ERROR_RANGES.items():
                responses.setdefault(
                    status, {"description": description, "content": _problem_content()}
                )
    schemas = document["components"]["schemas"]
    for unused in ("HTTPValidationError", "ValidationError"):
        schemas.pop(unused, None)
    return document


def document_problems(app: FastAPI) -> None:
    """Serve the rewritten document at app.openapi_url (built once, then cached)."""

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is None:
            app.openapi_schema = with_problems(
                get_openapi(
                    title=app.title,
                    version=app.version,
                    description=app.description,
                    routes=app.routes,
                )
            )
        return app.openapi_schema

    app.openapi = openapi  # type: ignore[method-assign]
