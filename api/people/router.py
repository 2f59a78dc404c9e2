"""/api/v1/persons and /api/v1/assignments: the people in charge of households."""

from typing import Annotated, Literal

from fastapi import APIRouter, Depends, Query, Request, Response, status
from sqlalchemy import false
from sqlmodel import select

from api.core.dates import today_in_vietnam
from api.core.etag import require_if_match, set_etag
from api.core.pagination import PageParams, page_params, paginate
from api.core.text import fold
from api.db import SessionDep
from api.deps import Reader, Writer
from api.models import Assignment, Person, Place
from api.people import assignments as assignment_service
from api.people import service
from api.people.schemas import (
    AssignmentCreate,
    AssignmentEnd,
    AssignmentPage,
    AssignmentPublic,
    Organisation,
    PersonCreate,
    PersonPage,
    PersonPublic,
    PersonUpdate,
    StabilityReport,
)
from api.people.stability import stability_report

persons_router = APIRouter(prefix="/persons", tags=["people in charge"])
assignments_router = APIRouter(prefix="/assignments", tags=["people in charge"])


def _within(session, column, place_id: str):
    """Rows whose place path lies under the place; an unknown place matches nothing."""
    path = session.exec(select(Place.path).where(Place.id == place_id)).first()
    return column.startswith(path, autoescape=True) if path else false()


@persons_router.post("", response_model=PersonPublic, status_code=status.HTTP_201_CREATED)
def create_person(data: PersonCreate, session: SessionDep, principal: Writer, response: Response):
    """Register a person who can be in charge of households (with or without a login)."""
    person = service.create_person(session, principal=principal, data=data)
    set_etag(response, person)
    response.headers["Location"] = f"/api/v1/persons/{person.id}"
    return person


@persons_router.get("", response_model=PersonPage, response_model_exclude_unset=True)
def list_persons(
    request: Request,
    response: Response,
    session: SessionDep,
    principal: Reader,
    page: Annotated[PageParams, Depends(page_params)],
    place_id: str | None = Query(None, max_length=32, description="Whole subtree"),
    organisation: Organisation | None = None,
    user_id: str | None = Query(None, max_length=32),
    active: bool | None = None,
    q: str | None = Query(None, max_length=200, description="Name, ignoring case and diacritics"),
):
    """People in charge in the caller's places."""
    stmt = select(Person)
    if place_id is not None:
        stmt = stmt.where(_within(session, Person.place_path, place_id))
    if organisation is not None:
        stmt = stmt.where(Person.organisation == organisation)
    if user_id is not None:
        stmt = stmt.where(Person.user_id == user_id)
    if active is not None:
        stmt = stmt.where(Person.is_active == active)
    if q and q.strip():
        stmt = stmt.where(Person.name_search.contains(fold(q), autoescape=True))
    return paginate(
        session, stmt, order=[(Person.id, False)], params=page, request=request, response=response
    )


@persons_router.get("/{person_id}", response_model=PersonPublic)
def read_person(person_id: str, session: SessionDep, principal: Reader, response: Response):
    person = service.get_person_or_raise(session, person_id)
    set_etag(response, person)
    return person


@persons_router.patch("/{person_id}", response_model=PersonPublic)
def update_person(
    person_id: str,
    data: PersonUpdate,
    request: Request,
    response: Response,
    session: SessionDep,
    principal: Writer,
):
    """Edit a person (needs If-Match); is_active false once their households are handed over."""
    person = service.get_person_or_raise(session, person_id, for_update=True)
    require_if_match(request, person)
    person = service.update_person(session, principal=principal, person=person, data=data)
    set_etag(response, person)
    return person


@assignments_router.post("", response_model=AssignmentPublic, status_code=status.HTTP_201_CREATED)
def create_assignment(
    data: AssignmentCreate, session: SessionDep, principal: Writer, response: Response
):
    """Put a person in charge of a household; the one in charge so far (if any) hands over
    on start_date, with this request's reason."""
    assignment = assignment_service.create_assignment(session, principal=principal, data=data)
    set_etag(response, assignment)
    response.headers["Location"] = f"/api/v1/assignments/{assignment.id}"
    persons = assignment_service.persons_by_id(session, {assignment.person_id})
    return assignment_service.assignment_public(assignment, persons)


@assignments_router.get("", response_model=AssignmentPage, response_model_exclude_unset=True)
def list_assignments(
    request: Request,
    response: Response,
    session: SessionDep,
    principal: Reader,
    page: Annotated[PageParams, Depends(page_params)],
    household_id: str | None = Query(None, max_length=32),
    person_id: str | None = Query(None, max_length=32),
    place_id: str | None = Query(None, max_length=32, description="Whole subtree"),
    active: bool | None = Query(None, description="true: only those in force"),
):
    """Assignments oldest first: with household_id, that household's person-in-charge history."""
    stmt = select(Assignment)
    if household_id is not None:
        stmt = stmt.where(Assignment.household_id == household_id)
    if person_id is not None:
        stmt = stmt.where(Assignment.person_id == person_id)
    if place_id is not None:
        stmt = stmt.where(_within(session, Assignment.place_path, place_id))
    if active is not None:
        open_ = Assignment.end_date.is_(None)
        stmt = stmt.where(open_ if active else ~open_)
    order = [(Assignment.start_date, False), (Assignment.created_at, False), (Assignment.id, False)]
    result = paginate(session, stmt, order=order, params=page, request=request, response=response)
    persons = assignment_service.persons_by_id(session, {a.person_id for a in result["items"]})
    result["items"] = [assignment_service.assignment_public(a, persons) for a in result["items"]]
    return result


@assignments_router.get("/stability", response_model=StabilityReport)
def read_stability(
    session: SessionDep,
    principal: Reader,
    year: int | None = Query(None, ge=2000, le=2100, description="Default: this year"),
    place_id: str | None = Query(None, max_length=32, description="Whole subtree"),
    by: Literal["commune", "place"] = Query("commune", description="Group by commune or hamlet"),
):
    """Changes of person in charge per household in the year, and followed households with
    nobody in charge, by place."""
    year = year or today_in_vietnam().year
    return stability_report(session, year=year, place_id=place_id, by=by)


@assignments_router.get("/{assignment_id}", response_model=AssignmentPublic)
def read_assignment(assignment_id: str, session: SessionDep, principal: Reader, response: Response):
    assignment = assignment_service.get_assignment_or_raise(session, assignment_id)
    set_etag(response, assignment)
    persons = assignment_service.persons_by_id(session, {assignment.person_id})
    return assignment_service.assignment_public(assignment, persons)


@assignments_router.post("/{assignment_id}/end", response_model=AssignmentPublic)
def end_assignment(
    assignment_id: str,
    data: AssignmentEnd,
    request: Request,
    response: Response,
    session: SessionDep,
    principal: Writer,
):
    """End an assignment without a successor, with the reason (If-Match is honoured)."""
    assignment = assignment_service.get_assignment_or_raise(session, assignment_id, for_update=True)
    if request.headers.get("if-match"):
        require_if_match(request, assignment)
    assignment = assignment_service.end_assignment(
        session, principal=principal, assignment=assignment, data=data
    )
    set_etag(response, assignment)
    persons = assignment_service.persons_by_id(session, {assignment.person_id})
    return assignment_service.assignment_public(assignment, persons)
