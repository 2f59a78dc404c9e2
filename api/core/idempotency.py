"""Idempotency-Key on POST (IETF draft semantics), as ASGI middleware.

Same key and same request -> the stored response is replayed; same key with another
request -> 422; the first one still running -> 409. Keys belong to the caller (user or
agency), not to the token, and are kept `idempotency_ttl_hours`. A reservation whose worker
died is taken over after `idempotency_lock_seconds`. 5xx, 409 and 429 answers are not stored,
so the client may retry them. The change and its stored answer commit in one transaction
(get_session hands the request's session over), so a process killed between the two can
never leave a change whose retry would run it a second time.

An answer that carries a credential (an API key, a bearer token, a webhook signing secret)
is never stored: credentials are shown once and kept only hashed, and a stored answer would
hand the secret to whoever replays the key for a day. Such a route declares `SecretAnswer`
and none of its answers is stored (errors included): its change commits together with the
release of the key, so a retry runs again (and makes a new credential) instead of replaying
the first one.
"""

import hashlib
import json
import logging
from contextvars import ContextVar
from dataclasses import dataclass
from datetime import timedelta

from anyio import to_thread
from fastapi import Depends
from sqlalchemy import delete, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.exc import IntegrityError, SQLAlchemyError
from sqlmodel import select
from starlette.datastructures import Headers
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from api.auth.service import caller_key
from api.core.context import DeferredCommit, deferred_commit_var
from api.db import close_session
from api.errors import PROBLEM_JSON, problem_body
from api.models import IdempotencyRecord
from api.models.base import new_id, utcnow

log = logging.getLogger("giamngheo.idempotency")
_KEYS = IdempotencyRecord.__table__
NOT_STORED = frozenset({409, 429})
MAX_KEY_LENGTH = 255


@dataclass
class _AnswerKind:
    """Set by the middleware for each keyed request; a route flips `secret` through
    SecretAnswer (a context variable, since the route runs below the middleware)."""

    secret: bool = False


_answer_kind_var: ContextVar[_AnswerKind | None] = ContextVar("idempotent_answer", default=None)


async def _mark_secret_answer() -> None:
    # async: no I/O, so no thread-pool hand-over.
    kind = _answer_kind_var.get()
    if kind is not None:
        kind.secret = True


# In a route's `dependencies=[...]`: its answer holds a credential and is never stored.
SecretAnswer = Depends(_mark_secret_answer)


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
        fingerprint = _fingerprint(scope, headers, body)
        # Who is calling and the claim of the key: one thread hand-over, one transaction.
        decision, record = await to_thread.run_sync(
            _caller_and_reserve, state, headers.get("authorization", ""), key, fingerprint
        )
        if decision == "anonymous":  # not authenticated: let the route answer 401 itself
            return await self.app(scope, replay_receive, send)
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

        deferred = DeferredCommit()
        kind = _AnswerKind()
        token = deferred_commit_var.set(deferred)
        kind_token = _answer_kind_var.set(kind)
        try:
            await self.app(scope, receive, capture)
        except BaseException:
            await to_thread.run_sync(_abandon, state, record_id, deferred.session)
            raise
        finally:
            _answer_kind_var.reset(kind_token)
            deferred_commit_var.reset(token)
        body = b"".join(chunks)
        status = start["status"] if start else 500
        raw_headers = list(start.get("headers", [])) if start else []
        if status >= 500 or status in NOT_STORED:
            await to_thread.run_sync(_abandon, state, record_id, deferred.session)
        else:
            if kind.secret:
                saved = await to_thread.run_sync(_forget, state, record_id, deferred.session)
            else:
                stored = [[k.decode("latin-1"), v.decode("latin-1")] for k, v in raw_headers]
                saved = await to_thread.run_sync(
                    _store, state, record_id, status, stored, body, deferred.session
                )
            if not saved:
                return await _problem(
                    send,
                    503,
                    "Service unavailable",
                    "The change could not be saved; send the request again.",
                    retry_after="1",
                )
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


def _caller(state, session, authorization: str) -> str | None:
    scheme, _, credential = authorization.partition(" ")
    if scheme.lower() != "bearer" or not credential:
        return None
    return caller_key(session, credential.strip(), cache=state.principal_cache)


def _caller_and_reserve(state, authorization: str, key: str, fingerprint: str):
    """("anonymous", None) without a valid credential, else _reserve's answer. The first
    attempt looks the caller up in the same session as its claim of the key."""
    session = state.session_factory(write=True)
    try:
        caller = _caller(state, session, authorization)
        if caller is None:
            return "anonymous", None
        return _reserve(state, caller, key, fingerprint, session=session)
    finally:
        close_session(session)


@dataclass(frozen=True)
class Claimed:
    id: str


def _claim_new(session, caller: str, key: str, fingerprint: str, now, ttl_hours: int):
    """INSERT the running record unless the key exists (one statement, no lock to wait for);
    its id, or None when the key was already there."""
    values = {
        "id": new_id("idk"),
        "caller": caller,
        "key": key,
        "request_hash": fingerprint,
        "state": "running",
        "created_at": now,
        "locked_at": now,
        "expires_at": now + timedelta(hours=ttl_hours),
    }
    insert = pg_insert if session.get_bind().dialect.name == "postgresql" else sqlite_insert
    stmt = (
        insert(_KEYS)
        .values(values)
        .on_conflict_do_nothing(index_elements=["caller", "key"])
        .returning(_KEYS.c.id)
    )
    return session.connection().execute(stmt).scalar()


def _reserve(state, caller: str, key: str, fingerprint: str, session=None):
    """Claim the key for this request, or say why not: replay, mismatch or running."""
    settings = state.settings
    now = utcnow()
    for _attempt in range(3):
        if session is None:
            session = state.session_factory(write=True)
        try:
            claimed = _claim_new(
                session, caller, key, fingerprint, now, settings.idempotency_ttl_hours
            )
            if claimed is not None:  # the usual case: a new key
                session.commit()
                return "proceed", Claimed(claimed)
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
            session = None
    return "running", None


def _store(state, record_id: str, status: int, headers: list, body: bytes, session) -> bool:
    """Keep the answer: in the request's own transaction when it handed its session over
    (change and answer commit together), else in a new one. False if the commit failed."""
    keep = (
        update(_KEYS)
        .where(_KEYS.c.id == record_id)
        .values(state="done", response_status=status, response_headers=headers, response_body=body)
    )
    return _commit_with(state, record_id, keep, session)


def _forget(state, record_id: str, session) -> bool:
    """An answer holding a credential: the change commits with the key released, nothing
    of the answer kept. False if the commit failed."""
    return _commit_with(state, record_id, delete(_KEYS).where(_KEYS.c.id == record_id), session)


def _commit_with(state, record_id: str, statement, session) -> bool:
    """Run `statement` on the key's record and commit it with the request's change."""
    if session is None:
        session = state.session_factory(write=True)
    try:
        session.connection().execute(statement)
        session.commit()
        return True
    except SQLAlchemyError:
        log.exception("finishing an idempotent request failed")
        session.rollback()
        _release(state, record_id)
        return False
    finally:
        close_session(session)


def _abandon(state, record_id: str, session) -> None:
    """An error answer: roll back a handed-over change, free the key for a retry."""
    if session is not None:
        try:
            session.rollback()
        finally:
            close_session(session)
    _release(state, record_id)


def _release(state, record_id: str) -> None:
    session = state.session_factory(write=True)
    try:
        session.connection().execute(delete(_KEYS).where(_KEYS.c.id == record_id))
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
