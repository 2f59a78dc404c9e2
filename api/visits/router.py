"""/api/v1/visits: monitoring visits and the worklist of visits due."""

from datetime import date
from typing import Annotated, Literal

from fastapi import APIRouter, Depends, Query, Request, Response, status
from sqlalchemy import false
from sqlmodel import select

from api.core.dates import today_in_vietnam
from api.core.etag import set_etag
from api.core.pagination import PageParams, page_params, paginate
from api.db import SessionDep
from api.deps import Reader, Writer
from api.models import Place, Visit
from api.visits import service
from api.visits.due import due_list
from api.visits.schemas import DuePage, Purpose, VisitCreate, VisitPage, VisitPublic

router = APIRouter(prefix="/visits", tags=["visits"])


@router.post("", response_model=VisitPublic, status_code=status.HTTP_201_CREATED)
def record_visit(data: VisitCreate, session: SessionDep, principal: Writer, response: Response):
    """Record a visit: findings, shocks, the household's plan, needs found, the next date."""
    visit = service.record_visit(session, principal=principal, data=data)
    set_etag(response, visit)
    response.headers["Location"] = f"/api/v1/visits/{visit.id}"
    return service.visits_public(session, [visit])[0]


@router.get("/due", response_model=DuePage, response_model_exclude_unset=True)
def list_due(
    request: Request,
    response: Response,
    session: SessionDep,
    principal: Reader,
    page: Annotated[PageParams, Depends(page_params)],
    as_of: date | None = Query(None, description="Default: today"),
    within_days: int = Query(7, ge=0, le=366, description="Also list visits due this soon"),
    place_id: str | None = Query(None, max_length=32, description="Whole subtree"),
    person_id: str | None = Query(
        None, max_length=32, description="A person in charge, or 'none' for nobody in charge"
    ),
    summary: Literal["full", "totals"] = Query(
        "full",
        description="`totals`: only how many are due and overdue, without the counts per "
        "person in charge and per place (empty lists)",
    ),
):
    """Households due or overdue for a visit, most overdue first, with counts per person in
    charge and per place."""
    return due_list(
        session,
        as_of=as_of or today_in_vietnam(),
        within_days=within_days,
        place_id=place_id,
        person_id=person_id,
        params=page,
        request=request,
        response=response,
        totals_only=summary == "totals",
    )


@router.get("", response_model=VisitPage, response_model_exclude_unset=True)
def list_visits(
    request: Request,
    response: Response,
    session: SessionDep,
    principal: Reader,
    page: Annotated[PageParams, Depends(page_params)],
    household_id: str | None = Query(None, max_length=32),
    visitor_id: str | None = Query(None, max_length=32),
    place_id: str | None = Query(None, max_length=32, description="Whole subtree"),
    purpose: Purpose | None = None,
    visited_from: date | None = None,
    visited_to: date | None = None,
):
    """Visits in the caller's places, newest first."""
    stmt = select(Visit)
    if place_id is not None:
        path = session.exec(select(Place.path).where(Place.id == place_id)).first()
        stmt = stmt.where(Visit.place_path.startswith(path, autoescape=True) if path else false())
    for column, value in (
        (Visit.household_id, household_id),
        (Visit.visitor_id, visitor_id),
        (Visit.purpose, purpose),
    ):
        if value is not None:
            stmt = stmt.where(column == value)
    if visited_from is not None:
        stmt = stmt.where(Visit.visited_on >= visited_from)
    if visited_to is not None:
        stmt = stmt.where(Visit.visited_on <= visited_to)
    result = paginate(
        session,
        stmt,
        order=[(Visit.visited_on, True), (Visit.id, True)],
        params=page,
        request=request,
        response=response,
    )
    result["items"] = service.visits_public(session, result["items"])
    return result


@router.get("/{visit_id}", response_model=VisitPublic)
def read_visit(visit_id: str, session: SessionDep, principal: Reader, response: Response):
    visit = service.get_visit_or_raise(session, visit_id)
    set_etag(response, visit)
    return service.visits_public(session, [visit])[0]
