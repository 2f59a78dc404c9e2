"""Appending events to the outbox, in the caller's transaction."""

from typing import Any

from sqlmodel import Session

from api.core.bulkinsert import insert_rows
from api.models import Event
from api.models.base import utcnow


def append_event(
    session: Session,
    *,
    type: str,
    entity_id: str,
    place_path: str | None,
    data: dict[str, Any],
    agency_id: str | None = None,
) -> None:
    """Thin data only (ids and codes): agencies read the record itself if they may."""
    session.add(
        Event(type=type, entity_id=entity_id, place_path=place_path, data=data, agency_id=agency_id)
    )


def append_events(session: Session, *, events: list[dict[str, Any]]) -> None:
    """Many events in one batched INSERT (bulk writes); same keys as append_event."""
    if not events:
        return
    now = utcnow()
    rows = [
        {
            "type": e["type"],
            "entity_id": e["entity_id"],
            "place_path": e["place_path"],
            "data": e["data"],
            "agency_id": e.get("agency_id"),
            "occurred_at": now,
        }
        for e in events
    ]
    insert_rows(session, Event.__table__, rows)
