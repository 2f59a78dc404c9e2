"""/api/v1/places: the administrative tree."""

from datetime import date
from typing import Annotated

from fastapi import APIRouter, Depends, Query, Request, Response, status
from sqlalchemy import false
from sqlmodel import select

from api.core.etag import require_if_match, set_etag
from api.core.pagination import PageParams, page_params, paginate
from api.core.text import fold
from api.db import SessionDep
from api.deps import Reader, Writer
from api.models import Place
from api.places import service
from api.places.schemas import PlaceCreate, PlacePage, PlacePublic, PlaceUpdate

router = APIRouter(prefix="/places", tags=["places"])


@router.post("", response_model=PlacePublic, status_code=status.HTTP_201_CREATED)
def create_place(data: PlaceCreate, session: SessionDep, principal: Writer, response: Response):
    """Add a province, district, commune/ward/town or hamlet/quarter. A commune officer adds
    only hamlets and quarters in their commune (403 otherwise)."""
    place = service.create_place(session, principal=principal, data=data)
    set_etag(response, place)
    response.headers["Location"] = f"/api/v1/places/{place.id}"
    return place


@router.get("", response_model=PlacePage, response_model_exclude_unset=True)
def list_places(
    request: Request,
    response: Response,
    session: SessionDep,
    principal: Reader,
    page: Annotated[PageParams, Depends(page_params)],
    parent_id: str | None = Query(None, max_length=32),
    within: str | None = Query(None, max_length=32, description="Only places below this one"),
    level: str | None = Query(None, max_length=16),
    q: str | None = Query(None, max_length=200, description="Name or code, accents ignored"),
    valid_on: date | None = Query(None, description="Only units that existed on this date"),
):
    """Places the caller may see; filters combine with AND."""
    stmt = select(Place)
    if parent_id is not None:
        stmt = stmt.where(Place.parent_id == parent_id)
    if within is not None:
        anchor = session.exec(select(Place.path).where(Place.id == within)).first()
        # An unknown or invisible anchor matches nothing (PostgreSQL refuses a NUL sentinel).
        below = Place.path.startswith(anchor, autoescape=True) if anchor else false()
        stmt = stmt.where(below, Place.id != within)
    if level is not None:
        stmt = stmt.where(Place.level == level)
    if q:
        folded = fold(q)
        stmt = stmt.where(Place.name_search.contains(folded, autoescape=True) | (Place.code == q))
    if valid_on is not None:
        stmt = stmt.where(
            (Place.valid_from.is_(None)) | (Place.valid_from <= valid_on),
            (Place.valid_to.is_(None)) | (Place.valid_to >= valid_on),
        )
    return paginate(
        session, stmt, order=[(Place.id, False)], params=page, request=request, response=response
    )


@router.get("/{place_id}", response_model=PlacePublic)
def read_place(place_id: str, session: SessionDep, principal: Reader, response: Response):
    place = service.get_place_or_raise(session, place_id)
    set_etag(response, place)
    return place


@router.patch("/{place_id}", response_model=PlacePublic)
def update_place(
    place_id: str,
    data: PlaceUpdate,
    request: Request,
    response: Response,
    session: SessionDep,
    principal: Writer,
):
    """Rename or close a unit (needs If-Match). A commune officer changes only the hamlets and
    quarters strictly below their commune, never the commune itself or a unit above it (403);
    the level of a unit never changes."""
    place = service.get_place_or_raise(session, place_id, for_update=True)
    require_if_match(request, place)
    place = service.update_place(session, principal=principal, place=place, data=data)
    set_etag(response, place)
    return place
