"""/api/v1/events: the change feed."""

from datetime import datetime
from typing import Annotated, Any

from fastapi import APIRouter, Query
from pydantic import BaseModel

from api.auth.principal import Principal
from api.db import SessionDep
from api.deps import READ_ROLES, SettingsDep, document_scopes, require_scope
from api.events import feed
from api.events.catalogue import EVENT_TYPES

router = APIRouter(prefix="/events", tags=["events"])

FeedReader = Annotated[Principal, require_scope("events:read", roles=READ_ROLES)]


class EventPublic(BaseModel):
    id: str
    type: str
    occurred_at: datetime
    data: dict[str, Any]


class EventPage(BaseModel):
    items: list[EventPublic]
    next_cursor: str


class EventType(BaseModel):
    type: str
    data: str


@router.get("", response_model=EventPage)
def read_events(
    session: SessionDep,
    settings: SettingsDep,
    principal: FeedReader,
    after: str | None = Query(None, max_length=200, description="next_cursor of the last page"),
    limit: int = Query(100, ge=1, le=1000),
    type: list[str] | None = Query(None, description="Only these event types (repeatable)"),
):
    """Events in commit order, at least once, that the caller may see; thin data (ids, codes).

    Start without `after`, then pass each page's `next_cursor` (also when the page is empty).
    Events are kept `GIAMNGHEO_EVENTS_RETENTION_DAYS` (30 days by default): a cursor older than
    that answers 410 Gone; start again without `after` and resynchronise from the records.
    An event may come twice (after a retry): deduplicate by `id`.
    """
    events, cursor = feed.read_page(
        session,
        after_token=after,
        limit=limit,
        retention_days=settings.events_retention_days,
        types=type,
    )
    return {"items": [feed.envelope(e) for e in events], "next_cursor": cursor}


@router.get("/types", response_model=list[EventType])
def event_types(principal: FeedReader):
    """Every event type, with the fields of its data."""
    return [{"type": t, "data": d} for t, d in EVENT_TYPES.items()]


document_scopes(router)
