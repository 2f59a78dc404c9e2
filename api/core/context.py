"""Per-request values that services read without passing them down (request id), and the
hand-over of a request's session to the Idempotency-Key middleware."""

from contextvars import ContextVar
from dataclasses import dataclass
from typing import Any

request_id_var: ContextVar[str | None] = ContextVar("request_id", default=None)


@dataclass
class DeferredCommit:
    """Set by the Idempotency-Key middleware: the request's session, left open by get_session,
    so that the stored answer commits in the same transaction as the change it reports."""

    session: Any = None


deferred_commit_var: ContextVar[DeferredCommit | None] = ContextVar("deferred_commit", default=None)
