"""Possible duplicates, found in SQL: people with the same unaccented name and birth year in
one commune, and households whose heads are such a pair.

The same citizen ID cannot be registered twice (members.citizen_id is unique): registering
or importing one that exists is refused at once, naming the household that holds it, so that
signal never waits in this list.
"""

from typing import Any

from sqlalchemy import and_, exists
from sqlmodel import Session, select

from api.core.scoping import path_within
from api.households.citizen_id import mask_citizen_id
from api.models import DuplicateDismissal, Household, Member, Place

SAME_NAME = "same_name_birth_year_commune"
SAME_HEAD = "same_head_name_birth_year_commune"


def candidates_query(session: Session, kind: str, place: Place | None):
    """Pairs (first id < second id) not dismissed, not archived, not left, as one SELECT.

    People with the same unaccented name and birth year are paired first, through their
    index, in a materialised CTE: left to itself, a planner may start from the households and
    pair every two of a commune. The first side is the ORM entities, scoped like every query;
    the second side is a Core alias (the ORM's scope criteria are not adapted to aliases),
    scoped here explicitly."""
    m2 = Member.__table__.alias("m2")
    h2 = Household.__table__.alias("h2")
    same = (
        select(
            Member.id.label("first_member_id"),
            m2.c.id.label("second_member_id"),
            Member.household_id.label("first_household_id"),
            m2.c.household_id.label("second_household_id"),
        )
        .join(
            m2,
            and_(
                m2.c.name_search == Member.name_search,
                m2.c.birth_year == Member.birth_year,
                m2.c.id != Member.id,
            ),
        )
        .where(Member.name_search != "", Member.left_on.is_(None), m2.c.left_on.is_(None))
    )
    if kind == "household":
        same = same.where(Member.relation == "head", m2.c.relation == "head")
    else:
        same = same.where(Member.id < m2.c.id)
    pairs = same.cte("same_people").prefix_with("MATERIALIZED")
    first, second = (
        (pairs.c.first_household_id, pairs.c.second_household_id)
        if kind == "household"
        else (pairs.c.first_member_id, pairs.c.second_member_id)
    )
    dismissed = exists().where(
        DuplicateDismissal.kind == kind,
        DuplicateDismissal.first_id == first,
        DuplicateDismissal.second_id == second,
    )
    # The second household as a correlated EXISTS (a primary-key lookup per pair): joined, it
    # lets a planner pair every two households of a commune before looking at the names.
    other = exists().where(
        h2.c.id == pairs.c.second_household_id,
        h2.c.commune_id == Household.commune_id,
        h2.c.archived_at.is_(None),
    )
    principal = session.info.get("principal")
    if principal is not None and principal.is_restricted:
        other = other.where(path_within(h2.c.place_path, principal))
    stmt = (
        select(
            first.label("first_id"),
            second.label("second_id"),
            pairs.c.first_member_id,
            pairs.c.second_member_id,
            Household.commune_id.label("commune_id"),
        )
        .select_from(pairs)
        .join(Household, Household.id == pairs.c.first_household_id)
        .where(Household.archived_at.is_(None), other, ~dismissed)
    )
    if kind == "household":
        stmt = stmt.where(pairs.c.first_household_id < pairs.c.second_household_id)
    if place is not None:
        stmt = stmt.where(Household.place_path.startswith(place.path, autoescape=True))
    return stmt, [(first, False), (second, False)]


def describe_pairs(session: Session, kind: str, rows) -> list[dict[str, Any]]:
    """The page's pairs with what an officer compares: names, years, places, masked IDs."""
    member_ids = {r.first_member_id for r in rows} | {r.second_member_id for r in rows}
    members = {
        m.id: m for m in session.exec(select(Member).where(Member.id.in_(sorted(member_ids))))
    }
    household_ids = {m.household_id for m in members.values()}
    households = {
        h.id: h
        for h in session.exec(select(Household).where(Household.id.in_(sorted(household_ids))))
    }
    place_ids = {h.place_id for h in households.values()} | {r.commune_id for r in rows}
    names = dict(
        session.exec(select(Place.id, Place.name).where(Place.id.in_(sorted(place_ids)))).all()
    )
    items = []
    for row in rows:
        pair = [members[row.first_member_id], members[row.second_member_id]]
        sides = [_side(kind, m, households[m.household_id], names) for m in pair]
        items.append(
            {
                "kind": kind,
                "first_id": row.first_id,
                "second_id": row.second_id,
                "reasons": [SAME_HEAD if kind == "household" else SAME_NAME],
                "commune": {"id": row.commune_id, "name": names.get(row.commune_id)},
                "first": sides[0],
                "second": sides[1],
            }
        )
    return items


def _side(kind: str, member: Member, household: Household, names) -> dict[str, Any]:
    return {
        "id": household.id if kind == "household" else member.id,
        "household_id": household.id,
        "household_code": household.code,
        "place": names.get(household.place_id),
        "status": household.status,
        "full_name": member.full_name,
        "birth_year": member.birth_year,
        "gender": member.gender,
        "relation": member.relation,
        "citizen_id": mask_citizen_id(member.citizen_id),
        "registered_on": household.registered_on,
    }
