"""The worklist: households due or overdue for a visit, most overdue first.

Each household's next due date is stored (Household.next_visit_due_on, kept fresh by
api/risk/freshness.py: it depends only on recorded facts, never on the calendar), so the list
is one keyset query; the facts shown beside each household are read for the page in batches.
"""

from datetime import date, timedelta
from typing import Any

from fastapi import Request, Response
from sqlalchemy import and_, case, func
from sqlmodel import Session, select

from api.core.pagination import PageParams, paginate
from api.core.placefilter import households_within
from api.models import Assignment, Household, Place
from api.people.assignments import persons_by_id
from api.people.service import person_summary
from api.visits.facts import last_visits

NOBODY = "none"  # person_id filter: households with nobody in charge


def _filters(session: Session, *, horizon: date, place_id: str | None, person_id: str | None):
    clauses = [
        Household.archived_at.is_(None),
        Household.next_visit_due_on.is_not(None),
        Household.next_visit_due_on <= horizon,
    ]
    if place_id is not None:
        clauses.extend(households_within(session, place_id))
    if person_id is not None:
        in_charge = select(Assignment.household_id).where(Assignment.end_date.is_(None))
        if person_id == NOBODY:
            clauses.append(Household.id.not_in(in_charge))
        else:
            clauses.append(Household.id.in_(in_charge.where(Assignment.person_id == person_id)))
    return clauses


def _open_assignments(session: Session, ids: list[str]) -> dict[str, str]:
    """Each household's person in charge now (household id -> person id)."""
    if not ids:
        return {}
    stmt = select(Assignment.household_id, Assignment.person_id).where(
        Assignment.household_id.in_(ids), Assignment.end_date.is_(None)
    )
    return dict(session.exec(stmt.execution_options(unscoped=True)).all())


def _counts(session: Session, clauses, as_of: date):
    """(due, overdue) per person in charge and per place, from one GROUP BY on both."""
    overdue = func.sum(case((Household.next_visit_due_on < as_of, 1), else_=0))
    stmt = (
        select(Assignment.person_id, Household.place_id, func.count(Household.id), overdue)
        .select_from(Household)
        .outerjoin(
            Assignment,
            and_(Assignment.household_id == Household.id, Assignment.end_date.is_(None)),
        )
        .where(*clauses)
        .group_by(Assignment.person_id, Household.place_id)
    )
    by_person: dict[Any, list[int]] = {}
    by_place: dict[Any, list[int]] = {}
    for person_id, place_id, count, late in session.exec(stmt):
        for totals, key in ((by_person, person_id), (by_place, place_id)):
            row = totals.setdefault(key, [0, 0])
            row[0] += count
            row[1] += int(late or 0)
    return (
        [(k, n, late) for k, (n, late) in by_person.items()],
        [(k, n, late) for k, (n, late) in by_place.items()],
    )


def _totals(session: Session, clauses, as_of: date) -> dict[str, Any]:
    """Only how many are due and overdue: one count, without the rows per person and place
    (a province has thousands of each; its dashboard shows two numbers)."""
    overdue = func.sum(case((Household.next_visit_due_on < as_of, 1), else_=0))
    due, late = session.exec(select(func.count(Household.id), overdue).where(*clauses)).one()
    return {"due": int(due), "overdue": int(late or 0), "by_person": [], "by_place": []}


def _summary(session: Session, clauses, as_of: date, persons: dict) -> dict[str, Any]:
    by_person, by_place = _counts(session, clauses, as_of)
    missing = {k for k, _, _ in by_person if k and k not in persons}
    persons.update(persons_by_id(session, missing))
    stmt = select(Place.id, Place.name).where(Place.id.in_([k for k, _, _ in by_place]))
    places = dict(session.exec(stmt).all())

    def person_label(key):
        if key is None:
            return "Chưa có người phụ trách / Nobody in charge"
        return persons[key].full_name if key in persons else key

    people = [
        {"key": k, "label": person_label(k), "due": n, "overdue": late} for k, n, late in by_person
    ]
    where = [
        {"key": k, "label": places.get(k, k), "due": n, "overdue": late} for k, n, late in by_place
    ]
    people.sort(key=lambda row: (-row["overdue"], -row["due"], row["label"]))
    where.sort(key=lambda row: (-row["overdue"], -row["due"], row["label"]))
    return {
        "due": sum(row["due"] for row in where),
        "overdue": sum(row["overdue"] for row in where),
        "by_person": people,
        "by_place": where,
    }


# The columns a worklist row shows (plain rows: no ORM objects for a page of households).
_ROW = (
    Household.id,
    Household.code,
    Household.head_name,
    Household.place_id,
    Household.commune_id,
    Household.status,
    Household.next_visit_due_on,
    Household.risk_score,
)


def due_list(
    session: Session,
    *,
    as_of: date,
    within_days: int,
    place_id: str | None,
    person_id: str | None,
    params: PageParams,
    request: Request,
    response: Response,
    totals_only: bool = False,
) -> dict[str, Any]:
    """One page of the worklist, with counts per person in charge and per place (or only the
    totals)."""
    clauses = _filters(
        session,
        horizon=as_of + timedelta(days=within_days),
        place_id=place_id,
        person_id=person_id,
    )
    page = paginate(
        session,
        select(*_ROW).where(*clauses),
        order=[(Household.next_visit_due_on, False), (Household.id, False)],
        params=params,
        request=request,
        response=response,
    )
    households = page["items"]
    ids = [h.id for h in households]
    visits = last_visits(session, ids)
    in_charge = _open_assignments(session, ids)
    persons = persons_by_id(session, set(in_charge.values()))
    items = []
    for household in households:
        visit = visits.get(household.id)
        person = persons.get(in_charge.get(household.id))
        due_on = household.next_visit_due_on
        items.append(
            {
                "household_id": household.id,
                "code": household.code,
                "head_name": household.head_name,
                "place_id": household.place_id,
                "commune_id": household.commune_id,
                "status": household.status,
                "due_on": due_on,
                "overdue": due_on < as_of,
                "days_overdue": (as_of - due_on).days,
                "basis": "next_visit_set" if visit and visit.next_visit_on else "schedule",
                "last_visit": None
                if visit is None
                else {
                    "id": visit.visit_id,
                    "visited_on": visit.visited_on,
                    "next_visit_on": visit.next_visit_on,
                },
                "person_in_charge": person_summary(person) if person else None,
                "risk_score": household.risk_score,
            }
        )
    page["items"] = items
    if totals_only:
        summary = _totals(session, clauses, as_of)
    else:
        summary = _summary(session, clauses, as_of, persons)
    page.update(as_of=as_of, within_days=within_days, summary=summary)
    return page
