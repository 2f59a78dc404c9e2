"""/api/v1/needs: what households need, opened from reviews or by officers."""

from typing import Annotated

from fastapi import APIRouter, Depends, Query, Request, Response, status
from sqlmodel import select

from api.core.etag import require_if_match, set_etag
from api.core.pagination import PageParams, page_params, paginate
from api.db import SessionDep
from api.deps import Reader, Writer
from api.models import Need, Place
from api.needs import service
from api.needs.schemas import NeedCreate, NeedPage, NeedPublic, NeedUpdate

router = APIRouter(prefix="/needs", tags=["needs"])


@router.post("", response_model=NeedPublic, status_code=status.HTTP_201_CREATED)
def open_need(data: NeedCreate, session: SessionDep, principal: Writer, response: Response):
    need = service.open_need(session, principal=principal, data=data)
    set_etag(response, need)
    response.headers["Location"] = f"/api/v1/needs/{need.id}"
    return need


@router.get("", response_model=NeedPage, response_model_exclude_unset=True)
def list_needs(
    request: Request,
    response: Response,
    session: SessionDep,
    principal: Reader,
    page: Annotated[PageParams, Depends(page_params)],
    place_id: str | None = Query(None, max_length=32),
    household_id: str | None = Query(None, max_length=32),
    category: str | None = Query(None, max_length=32),
    status_: str | None = Query(None, alias="status", max_length=16),
):
    """Needs in the caller's places, oldest first; filters combine with AND."""
    stmt = select(Need)
    if place_id is not None:
        path = session.exec(select(Place.path).where(Place.id == place_id)).first()
        stmt = stmt.where(Need.place_path.startswith(path or "\x00", autoescape=True))
    for column, value in (
        (Need.household_id, household_id),
        (Need.category, category),
        (Need.status, status_),
    ):
        if value is not None:
            stmt = stmt.where(column == value)
    return paginate(
        session, stmt, order=[(Need.id, False)], params=page, request=request, response=response
    )


@router.get("/{need_id}", response_model=NeedPublic)
def read_need(need_id: str, session: SessionDep, principal: Reader, response: Response):
    need = service.get_need_or_raise(session, need_id)
    set_etag(response, need)
    return need


@router.patch("/{need_id}", response_model=NeedPublic)
def update_need(
    need_id: str,
    data: NeedUpdate,
    request: Request,
    response: Response,
    session: SessionDep,
    principal: Writer,
):
    """Close a need as met or cancelled, or edit its description (needs If-Match)."""
    need = service.get_need_or_raise(session, need_id, for_update=True)
    require_if_match(request, need)
    need = service.update_need(session, principal=principal, need=need, data=data)
    set_etag(response, need)
    return need
