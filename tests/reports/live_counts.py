"""The reports' counts aggregated live from households and status changes: the definition the
maintained counts (api/reports/counts.py) must always agree with. This was the reports' own
SQL before the counts were kept in tables (issue 9); the tests keep it as the oracle."""

from typing import Any

from sqlalchemy import distinct, func
from sqlmodel import Session, select

from api.models import Household, Place
from api.reports.common import (
    SC,
    Grouping,
    active_in_year,
    count_if,
    status_in_year,
    within,
)


def live_rate_counts(
    session: Session,
    *,
    year: int,
    place: Place | None,
    grouping: Grouping | None,
    ethnicity: str | None = None,
) -> dict[Any, tuple]:
    status = status_in_year(year, place)
    key = grouping.key if grouping is not None else None
    measures = (
        func.count(Household.id),
        count_if(status.c.status == "poor"),
        count_if(status.c.status == "near_poor"),
        count_if((status.c.status == "poor") & status.c.without_labour_capacity),
        func.max(status.c.change_year),
    )
    stmt = select(*((key,) if key is not None else ()), *measures).select_from(Household)
    if grouping is not None:
        stmt = grouping.join(stmt)
    stmt = stmt.outerjoin(status, status.c.household_id == Household.id).where(
        active_in_year(year), within(place)
    )
    if ethnicity is not None:
        stmt = stmt.where(Household.ethnicity == ethnicity)
    if key is None:
        return {None: _numbers(session.exec(stmt).one())}
    return {row[0]: _numbers(row[1:]) for row in session.exec(stmt.group_by(key)).all()}


def _numbers(values) -> tuple:
    return tuple(None if value is None else int(value) for value in values)


def live_transition_counts(
    session: Session, place: Place | None, years: tuple[int, int], grouping: Grouping | None
) -> dict[Any, dict[str, int]]:
    key = SC.c.year if grouping is None else grouping.key
    stmt = select(key, SC.c.transition, func.count(distinct(SC.c.household_id))).select_from(
        Household
    )
    if grouping is not None:
        stmt = grouping.join(stmt)
    stmt = (
        stmt.join(SC, SC.c.household_id == Household.id)
        .where(within(place), SC.c.year >= years[0], SC.c.year <= years[1])
        .where(SC.c.transition.is_not(None))
        .group_by(key, SC.c.transition)
    )
    counts: dict[Any, dict[str, int]] = {}
    for group, transition, count in session.exec(stmt):
        counts.setdefault(group, {})[transition] = int(count)
    return counts
