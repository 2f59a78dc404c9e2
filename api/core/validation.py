"""Validation errors with a stable code, so clients (the web app) can word them themselves."""

from pydantic_core import PydanticCustomError


def invalid(code: str, message: str) -> PydanticCustomError:
    """Raise this from a validator: the 422 item carries `code` and `message` as its detail."""
    return PydanticCustomError(code, message)
