"""Appending events to the outbox, in the caller's transaction."""

from typing import Any

from sqlmodel import Session

from api.models import Event


def append_event(
    session: Session,
    *,
    type: str,
    entity_id: str,
    place_path: str | None,
    data: dict[str, Any],
) -> None:
    """Thin data only (ids and codes): agencies read the record itself if they may."""
    session.add(Event(type=type, entity_id=entity_id, place_path=place_path, data=data))
