"""Recording monitoring visits: who went, what they found, what comes next."""

from sqlmodel import Session, select

from api.audit.service import record_audit, snapshot
from api.auth.principal import Principal
from api.core.dates import today_in_vietnam
from api.errors import NotFound, ValidationFailed
from api.events.service import append_event
from api.models import Household, Need, Person, Visit
from api.people.assignments import persons_by_id
from api.people.service import (
    check_may_act,
    existed_since,
    find_household,
    find_person,
    person_summary,
)
from api.visits.schemas import VisitCreate

UNSCOPED = {"unscoped": True}


def get_visit_or_raise(session: Session, visit_id: str) -> Visit:
    """A visit the caller may see, else 404."""
    visit = session.exec(select(Visit).where(Visit.id == visit_id)).first()
    if visit is None:
        raise NotFound(f"No visit with id {visit_id!r}.")
    return visit


def _check_dates(session: Session, household: Household, data: VisitCreate) -> None:
    if data.visited_on > today_in_vietnam():
        raise ValidationFailed("visited_on is in the future.", pointer="/visited_on")
    since = existed_since(session, household)
    if data.visited_on < since:
        raise ValidationFailed(
            f"visited_on is before the household existed (known since {since.isoformat()}).",
            pointer="/visited_on",
        )
    if data.next_visit_on is not None and data.next_visit_on <= data.visited_on:
        raise ValidationFailed("next_visit_on must be after visited_on.", pointer="/next_visit_on")


def _check_needs(session: Session, household: Household, need_ids: list[str]) -> None:
    if not need_ids:
        return
    stmt = select(Need.id).where(
        Need.id.in_(need_ids), Need.household_id == household.id, Need.status == "open"
    )
    open_ids = set(session.exec(stmt.execution_options(**UNSCOPED)))
    for index, need_id in enumerate(need_ids):
        if need_id not in open_ids:
            raise ValidationFailed(
                f"{need_id!r} is not an open need of this household.",
                pointer=f"/need_ids/{index}",
            )


def record_visit(session: Session, *, principal: Principal, data: VisitCreate) -> Visit:
    """Record a visit; the household's due date and early warning follow in the same
    transaction (api/risk/freshness.py)."""
    household = find_household(session, data.household_id, pointer="/household_id")
    _check_dates(session, household, data)
    visitor = find_person(session, data.visitor_id, pointer="/visitor_id")
    check_may_act(session, person=visitor, household=household, pointer="/visitor_id")
    _check_needs(session, household, data.need_ids)
    visit = Visit(
        **data.model_dump(),
        place_path=household.place_path,
        recorded_by=principal.id,
    )
    session.add(visit)
    session.flush()
    record_audit(
        session,
        principal=principal,
        action="create",
        entity="visit",
        entity_id=visit.id,
        after=snapshot(visit),
        place_path=visit.place_path,
    )
    append_event(
        session,
        type="visit.recorded",
        entity_id=visit.id,
        place_path=visit.place_path,
        data={
            "visit_id": visit.id,
            "household_id": household.id,
            "visitor_id": visitor.id,
            "visited_on": visit.visited_on.isoformat(),
            "purpose": visit.purpose,
        },  # no findings or shocks: an illness is health data, not for the feed
    )
    return visit


def visits_public(session: Session, visits: list[Visit]) -> list[dict]:
    """Public shapes of a page of visits, with their visitors read in one query."""
    persons: dict[str, Person] = persons_by_id(session, {v.visitor_id for v in visits})
    return [
        {
            **visit.model_dump(),
            "visitor": person_summary(persons[visit.visitor_id])
            if visit.visitor_id in persons
            else None,
        }
        for visit in visits
    ]
