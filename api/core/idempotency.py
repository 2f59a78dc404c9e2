"""Idempotency-Key on POST (IETF draft semantics), as ASGI middleware.

Same key and same request -> the stored response is replayed; same key with another
request -> 422; the first one still running -> 409. Keys belong to the caller (user or
agency), not to the token, and are kept `idempotency_ttl_hours`. A reservation whose worker
died is taken over after `idempotency_lock_seconds`. 5xx, 409 and 429 answers are not stored,
so the client may retry them.
"""

import hashlib
import json
from datetime import timedelta

from anyio import to_thread
from sqlalchemy.exc import IntegrityError
from sqlmodel import select
from starlette.datastructures import Headers
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from api.auth.service import caller_key
from api.db import close_session
from api.errors import PROBLEM_JSON, problem_body
from api.models import IdempotencyRecord
from api.models.base import utcnow

NOT_STORED = frozenset({409, 429})
MAX_KEY_LENGTH = 255


class IdempotencyMiddleware:
    def __init__(self, app: ASGIApp, *, prefix: str = "/api/"):
        self.app = app
        self.prefix = prefix

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] != "POST":
            return await self.app(scope, receive, send)
        if not scope["path"].startswith(self.prefix):
            return await self.app(scope, receive, send)
        headers = Headers(scope=scope)
        key = headers.get("idempotency-key")
        if key is None:
            return await self.app(scope, receive, send)
        if not key.strip() or len(key) > MAX_KEY_LENGTH:
            return await _problem(
                send,
                400,
                "Invalid Idempotency-Key",
                "The Idempotency-Key must be 1-255 characters.",
            )
        body = await _read_body(receive)
        replay_receive = _replaying(body)
        state = scope["app"].state
        caller = await to_thread.run_sync(_caller, state, headers.get("authorization", ""))
        if caller is None:  # not authenticated: let the route answer 401 itself
            return await self.app(scope, replay_receive, send)
        fingerprint = _fingerprint(scope, headers, body)
        decision, record = await to_thread.run_sync(_reserve, state, caller, key, fingerprint)
        if decision == "replay":
            return await _send_stored(send, record)
        if decision == "mismatch":
            return await _problem(
                send,
                422,
                "Idempotency-Key reused",
                "This Idempotency-Key was used with a different request.",
            )
        if decision == "running":
            return await _problem(
                send,
                409,
                "Request in progress",
                "A request with this Idempotency-Key is still being processed.",
                retry_after="1",
            )
        await self._run_and_store(scope, replay_receive, send, state, record.id)

    async def _run_and_store(self, scope, receive, send, state, record_id) -> None:
        start: Message | None = None
        chunks: list[bytes] = []

        async def capture(message: Message) -> None:
            nonlocal start
            if message["type"] == "http.response.start":
                start = message
            elif message["type"] == "http.response.body":
                chunks.append(message.get("body", b""))

        try:
            await self.app(scope, receive, capture)
        except BaseException:
            await to_thread.run_sync(_release, state, record_id)
            raise
        body = b"".join(chunks)
        status = start["status"] if start else 500
        raw_headers = list(start.get("headers", [])) if start else []
        if status >= 500 or status in NOT_STORED:
            await to_thread.run_sync(_release, state, record_id)
        else:
            stored = [[k.decode("latin-1"), v.decode("latin-1")] for k, v in raw_headers]
            await to_thread.run_sync(_store, state, record_id, status, stored, body)
        await send({"type": "http.response.start", "status": status, "headers": raw_headers})
        await send({"type": "http.response.body", "body": body})


async def _read_body(receive: Receive) -> bytes:
    parts = []
    while True:
        message = await receive()
        parts.append(message.get("body", b""))
        if not message.get("more_body", False):
            return b"".join(parts)


def _replaying(body: bytes) -> Receive:
    sent = False

    async def receive() -> Message:
        nonlocal sent
        if not sent:
            sent = True
            return {"type": "http.request", "body": body, "more_body": False}
        return {"type": "http.disconnect"}

    return receive


def _fingerprint(scope: Scope, headers: Headers, body: bytes) -> str:
    digest = hashlib.sha256()
    for part in (
        scope["method"],
        scope["path"],
        scope.get("query_string", b"").decode(),
        headers.get("content-type", ""),
    ):
        digest.update(part.encode() + b"\0")
    digest.update(body)
    return digest.hexdigest()


def _caller(state, authorization: str) -> str | None:
    scheme, _, credential = authorization.partition(" ")
    if scheme.lower() != "bearer" or not credential:
        return None
    session = state.session_factory(write=False)
    try:
        return caller_key(session, credential.strip())
    finally:
        close_session(session)


def _reserve(state, caller: str, key: str, fingerprint: str):
    """Claim the key for this request, or say why not: replay, mismatch or running."""
    settings = state.settings
    now = utcnow()
    for _attempt in range(3):
        session = state.session_factory(write=True)
        try:
            stmt = select(IdempotencyRecord).where(
                IdempotencyRecord.caller == caller, IdempotencyRecord.key == key
            )
            record = session.exec(stmt.with_for_update()).first()
            if record is not None and record.expires_at <= now:
                session.delete(record)
                session.flush()
                record = None
            if record is None:
                record = IdempotencyRecord(
                    caller=caller,
                    key=key,
                    request_hash=fingerprint,
                    state="running",
                    expires_at=now + timedelta(hours=settings.idempotency_ttl_hours),
                )
                session.add(record)
                session.commit()
                return "proceed", record
            if record.request_hash != fingerprint:
                return "mismatch", record
            if record.state == "done":
                return "replay", record
            stale = now - timedelta(seconds=settings.idempotency_lock_seconds)
            if record.locked_at > stale:
                return "running", record
            record.locked_at = now  # the first attempt's worker died: take it over
            session.commit()
            return "proceed", record
        except IntegrityError:
            session.rollback()  # another request inserted the key first: look again
        finally:
            close_session(session)
    return "running", None


def _store(state, record_id: str, status: int, headers: list, body: bytes) -> None:
    session = state.session_factory(write=True)
    try:
        record = session.get(IdempotencyRecord, record_id)
        if record is not None:
            record.state = "done"
            record.response_status = status
            record.response_headers = headers
            record.response_body = body
            session.commit()
    finally:
        close_session(session)


def _release(state, record_id: str) -> None:
    session = state.session_factory(write=True)
    try:
        record = session.get(IdempotencyRecord, record_id)
        if record is not None:
            session.delete(record)
            session.commit()
    finally:
        close_session(session)


async def _send_stored(send: Send, record: IdempotencyRecord) -> None:
    headers = [(k.encode("latin-1"), v.encode("latin-1")) for k, v in record.response_headers]
    headers.append((b"idempotent-replayed", b"true"))
    await send(
        {"type": "http.response.start", "status": record.response_status, "headers": headers}
    )
    await send({"type": "http.response.body", "body": record.response_body or b""})


async def _problem(
    send: Send, status: int, title: str, detail: str, retry_after: str | None = None
) -> None:
    body = json.dumps(problem_body(status, title, detail, "idempotency")).encode()
    headers = [
        (b"content-type", PROBLEM_JSON.encode()),
        (b"content-length", str(len(body)).encode()),
    ]
    if retry_after:
        headers.append((b"retry-after", retry_after.encode()))
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": body})
