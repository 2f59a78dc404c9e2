"""The change feed: events in commit order, at least once, behind an opaque cursor.

Order on PostgreSQL. An autoincrement id is not commit order: T1 may take id 6 after T2 took
id 5 and commit first; a reader that served 6 would never see 5. So each event stores the id
of the transaction that wrote it (``xid``, a server default ``pg_current_xact_id()``) and
the feed

* serves only events of finished transactions, ``xid < pg_snapshot_xmin(snapshot)`` (and the
  reader's own, for a reader that wrote first), and
* orders them by ``(xid, id)``; the cursor is the last ``(xid, id)`` served.

Every transaction that can still commit has an xid at or above the snapshot's xmin, so an event
that becomes visible later sorts after everything already served: nothing is skipped. (Filtering
by xid but ordering by id would still skip: T1 with xid 100 takes id 6, T2 with xid 101 took id
5, T1 commits and is served, 5 arrives behind the cursor.) The price: a long transaction holds
the feed back until it ends. On SQLite writers are serialised (BEGIN IMMEDIATE), so id order is
commit order.

Retention: events are kept ``events_retention_days`` (default 30 days) and purged a day after;
a cursor older than the retention answers 410 Gone (start again without ``after``).
"""

import base64
import json
import time
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from sqlalchemy import delete, func, literal_column, or_, true, tuple_
from sqlalchemy.sql.elements import ColumnElement
from sqlmodel import Session, select

from api.errors import BadRequest, Gone
from api.models import Event
from api.models.base import utcnow

_XMIN = literal_column("pg_snapshot_xmin(pg_current_snapshot())::text::bigint")
_OWN_XID = literal_column("pg_current_xact_id_if_assigned()::text::bigint")
PURGE_GRACE = timedelta(days=1)


@dataclass(frozen=True)
class Cursor:
    xid: int | None
    id: int
    # Unix time from which nothing unserved can be older: how stale the cursor is.
    at: int

    def encode(self) -> str:
        raw = json.dumps([1, self.xid, self.id, self.at], separators=(",", ":")).encode()
        return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode_cursor(token: str) -> Cursor:
    """The cursor a client sent back; 400 when it is not one this API issued."""
    try:
        raw = base64.urlsafe_b64decode(token + "=" * (-len(token) % 4))
        version, xid, event_id, at = json.loads(raw)
        if version != 1 or not all(isinstance(v, int) for v in (event_id, at)):
            raise ValueError
        if xid is not None and not isinstance(xid, int):
            raise ValueError
    except (ValueError, TypeError, UnicodeDecodeError) as exc:
        raise BadRequest("`after` is not a cursor this API issued.") from exc
    return Cursor(xid=xid, id=event_id, at=at)


def _is_pg(session: Session) -> bool:
    return session.get_bind().dialect.name == "postgresql"


def finished(session: Session) -> ColumnElement[bool]:
    """Events of transactions that can no longer commit anything earlier in the order."""
    if _is_pg(session):
        return or_(Event.xid < _XMIN, Event.xid == _OWN_XID)
    return true()


def after(session: Session, cursor: Cursor | None) -> ColumnElement[bool]:
    if cursor is None or (cursor.xid is None and cursor.id == 0):
        return true()
    if _is_pg(session):
        return tuple_(Event.xid, Event.id) > tuple_(cursor.xid or 0, cursor.id)
    return Event.id > cursor.id


def in_order(session: Session) -> list:
    return [Event.xid, Event.id] if _is_pg(session) else [Event.id]


def envelope(event: Event) -> dict[str, Any]:
    """What the feed and webhooks send: {id, type, occurred_at, data}."""
    return {
        "id": f"evt_{event.id}",
        "type": event.type,
        "occurred_at": event.occurred_at.isoformat(),
        "data": event.data,
    }


def read_page(
    session: Session,
    *,
    after_token: str | None,
    limit: int,
    retention_days: int,
    types: list[str] | None = None,
) -> tuple[list[Event], str]:
    """One page of the feed the session's principal may see, and the cursor to continue."""
    now = int(time.time())
    cursor = decode_cursor(after_token) if after_token else None
    if cursor is not None and cursor.at < now - retention_days * 86400:
        raise Gone(
            f"The cursor is older than the feed's retention ({retention_days} days); start "
            "again without `after` and resynchronise from the records."
        )
    stmt = select(Event).where(finished(session), after(session, cursor))
    if types:
        stmt = stmt.where(Event.type.in_(types))
    events = list(session.exec(stmt.order_by(*in_order(session)).limit(limit)))
    if not events:
        last = cursor or Cursor(xid=None, id=0, at=now)
        return [], Cursor(xid=last.xid, id=last.id, at=now).encode()
    tail = events[-1]
    # A full page may leave older events unserved: the cursor ages from the last one served.
    at = int(tail.occurred_at.timestamp()) if len(events) == limit else now
    return events, Cursor(xid=tail.xid, id=tail.id, at=min(at, now)).encode()


def purge_expired(session: Session, *, retention_days: int) -> int:
    """Delete events past retention (and a day's grace); the newest row always stays."""
    cutoff = utcnow() - timedelta(days=retention_days) - PURGE_GRACE
    newest = select(func.max(Event.id)).scalar_subquery()
    result = session.execute(
        delete(Event)
        .where(Event.occurred_at < cutoff, Event.id != newest)
        .execution_options(synchronize_session=False)
    )
    return result.rowcount or 0
