"""Fan-out: new events of the outbox become deliveries to the endpoints subscribed to them.

One process at a time reads the outbox (the cursor row is locked, SKIP LOCKED elsewhere); it
reads in the feed's order (api/events/feed.py), so no event is skipped. Each agency's endpoints
get only what that agency may see on the feed: the same scope rules filter the events.
An endpoint gets the events that occur after it was created. The endpoints are read after the
batch of events: an event committed after an endpoint was created (and acknowledged) is in a
batch read after that, whose endpoint list then includes it.
"""

from collections import defaultdict

from sqlmodel import Session, select

from api.auth.api_keys import agency_principal
from api.core.bulkinsert import insert_rows
from api.core.scoping import set_principal
from api.db import SessionFactory, close_session
from api.events import feed
from api.events.catalogue import matches
from api.models import Agency, Event, WebhookCursor, WebhookDelivery, WebhookEndpoint
from api.models.base import new_id, utcnow

BATCH = 500


def _lock_cursor(session: Session) -> WebhookCursor | None:
    """The cursor row, locked; None when another process is fanning out right now."""
    stmt = select(WebhookCursor).where(WebhookCursor.id == 1)
    cursor = session.exec(stmt.with_for_update(skip_locked=True)).first()
    if cursor is None and session.exec(stmt).first() is None:
        # First run: from the start of the outbox; endpoints only get events younger than
        # themselves, so nothing old floods a new endpoint.
        row = {"id": 1, "last_xid": None, "last_event_id": 0, "updated_at": utcnow()}
        insert_rows(session, WebhookCursor.__table__, [row], skip_conflicts_on=["id"])
        cursor = session.exec(stmt.with_for_update(skip_locked=True)).first()
    return cursor


def _visible_ids(session: Session, agency: Agency, event_ids: list[int]) -> set[int]:
    """The events of the batch that this agency may see (the feed's own scope rules)."""
    principal = agency_principal(session, agency, scopes=frozenset())
    set_principal(session, principal)
    try:
        return set(session.exec(select(Event.id).where(Event.id.in_(event_ids))))
    finally:
        session.info.pop("principal", None)


def fan_out_once(session: Session, *, batch: int = BATCH) -> tuple[int, int]:
    """Turn the next batch of events into deliveries: (events read, deliveries queued)."""
    cursor = _lock_cursor(session)
    if cursor is None:
        return 0, 0
    position = feed.Cursor(xid=cursor.last_xid, id=cursor.last_event_id, at=0)
    stmt = select(Event.xid, Event.id).where(feed.finished(session), feed.after(session, position))
    keys = list(session.exec(stmt.order_by(*feed.in_order(session)).limit(batch)))
    if not keys:
        return 0, 0
    # Endpoints are read after the events: one created meanwhile is seen (see the docstring).
    endpoints = list(session.exec(select(WebhookEndpoint).where(WebhookEndpoint.is_active)))
    events = []
    if endpoints:
        ids = [key.id for key in keys]
        events = list(session.exec(select(Event).where(Event.id.in_(ids))))
    by_agency: dict[str, list[WebhookEndpoint]] = defaultdict(list)
    for endpoint in endpoints:
        by_agency[endpoint.agency_id].append(endpoint)
    rows = []
    now = utcnow()
    for agency_id, agency_endpoints in by_agency.items():
        agency = session.get(Agency, agency_id)
        if agency is None or not agency.is_active:
            continue
        visible = _visible_ids(session, agency, [e.id for e in events])
        for event in events:
            if event.id not in visible:
                continue
            for endpoint in agency_endpoints:
                if event.occurred_at < endpoint.created_at:
                    continue
                if not matches(endpoint.event_types, event.type):
                    continue
                envelope = feed.envelope(event)
                rows.append(
                    {
                        "id": new_id("whd"),
                        "endpoint_id": endpoint.id,
                        "agency_id": agency_id,
                        "message_id": envelope["id"],
                        "event_type": event.type,
                        "payload": envelope,
                        "status": "pending",
                        "attempts": 0,
                        "next_attempt_at": now,
                        "log": [],
                        "created_at": now,
                    }
                )
    insert_rows(
        session, WebhookDelivery.__table__, rows, skip_conflicts_on=["endpoint_id", "message_id"]
    )
    cursor.last_xid, cursor.last_event_id = keys[-1]
    cursor.updated_at = now
    session.flush()
    return len(keys), len(rows)


def fan_out(session_factory: SessionFactory, *, batch: int = BATCH, rounds: int = 20) -> int:
    """Fan out until the outbox is drained (or `rounds` batches), each batch committed."""
    total = 0
    for _ in range(rounds):
        session = session_factory(write=True)
        try:
            read, queued = fan_out_once(session, batch=batch)
            session.commit()
        except BaseException:
            session.rollback()
            raise
        finally:
            close_session(session)
        total += queued
        if read < batch:
            break
    return total
