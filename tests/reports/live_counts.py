"""The reports' figures aggregated live from households and status changes: the definition
the maintained tables (api/reports/counts.py) must always agree with. This was the reports'
own SQL before those tables existed (issue 9); the tests keep it as the oracle."""

from datetime import date
from typing import Any

from sqlalchemy import and_, case, distinct, func, or_
from sqlmodel import Session, select

from api.core.dates import today_in_vietnam
from api.models import Household, Place
from api.models.categories import SUPPORT_CATEGORIES
from api.models.supports import HAPPENED_STATUSES
from api.reports.common import (
    ESCAPES,
    SC,
    TOTAL_LABEL,
    Grouping,
    as_number,
    count_if,
    data_year,
    find_place,
    latest_year_with_data,
    place_public,
    rate,
    within,
    year_end,
    year_end_instant,
)
from api.reports.field import GROUPS, VT, _coverage_row, _quarter, _quarter_ends
from api.reports.supports import SP


def active_in_year(year: int):
    """Households on the register at the end of the year: registered by 31 December and not
    archived on or before that day (the letter's denominators)."""
    return and_(
        Household.registered_on <= year_end(year),
        or_(Household.archived_at.is_(None), Household.archived_at >= year_end_instant(year)),
    )


def status_in_year(year: int, place: Place | None = None):
    """Each household's latest recognised status change of a year up to `year`: its status
    that year, the change's transition and year, and the labour-capacity flag. With a place,
    only the changes of the households in it are ranked (a commune's few thousand rows, not
    every change of the province)."""
    rank = (
        func.row_number()
        .over(
            partition_by=SC.c.household_id,
            order_by=(
                SC.c.year.desc(),
                SC.c.effective_date.desc(),
                SC.c.recognised_at.desc(),
                SC.c.id.desc(),
            ),
        )
        .label("rank")
    )
    ranked = select(
        SC.c.household_id,
        SC.c.new_status,
        SC.c.transition,
        SC.c.year,
        SC.c.without_labour_capacity,
        rank,
    ).where(SC.c.year <= year)
    if place is not None:
        inside = select(Household.id).where(within(place))
        ranked = ranked.where(SC.c.household_id.in_(inside))
    ranked = ranked.subquery("ranked_status")
    return (
        select(
            ranked.c.household_id,
            ranked.c.new_status.label("status"),
            ranked.c.transition,
            ranked.c.year.label("change_year"),
            ranked.c.without_labour_capacity,
        )
        .where(ranked.c.rank == 1)
        .subquery("status_in_year")
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


def live_coverage_report(
    session: Session, *, year: int | None, place_id: str | None
) -> dict[str, Any]:
    """Per category: the share of the year's poor and near-poor households that received at
    least one support of it during the year (e.g. a health-insurance card)."""
    place = find_place(session, place_id)
    year = year or latest_year_with_data(session, place)
    status = status_in_year(year, place)
    needy = status.c.status.in_(("poor", "near_poor"))
    base = (
        select(Household.id, status.c.status)
        .join(status, status.c.household_id == Household.id)
        .where(active_in_year(year), within(place), needy)
    )
    denominators = {"poor": 0, "near_poor": 0}
    stmt = (
        select(status.c.status, func.count(Household.id))
        .select_from(Household)
        .join(status, status.c.household_id == Household.id)
        .where(active_in_year(year), within(place), needy)
        .group_by(status.c.status)
    )
    for group, count in session.exec(stmt):
        denominators[group] = int(count)
    got = (
        select(SP.c.household_id, SP.c.category)
        .where(
            SP.c.status.in_(sorted(HAPPENED_STATUSES)),
            SP.c.delivered_on >= date(year, 1, 1),
            SP.c.delivered_on <= date(year, 12, 31),
        )
        .distinct()
        .subquery("reached")
    )
    households = base.subquery("needy")
    stmt = (
        select(got.c.category, households.c.status, func.count(distinct(got.c.household_id)))
        .select_from(households)
        .join(got, got.c.household_id == households.c.id)
        .group_by(got.c.category, households.c.status)
    )
    reached: dict[str, dict[str, int]] = {}
    for category, group, count in session.exec(stmt):
        reached.setdefault(category, {"poor": 0, "near_poor": 0})[group] = int(count)
    rows = []
    for code, name, _ in SUPPORT_CATEGORIES:
        counts = reached.get(code, {"poor": 0, "near_poor": 0})
        rows.append(
            {
                "key": code,
                "label": name,
                "poor_households": denominators["poor"],
                "poor_reached": counts["poor"],
                "poor_rate": as_number(rate(counts["poor"], denominators["poor"])),
                "near_poor_households": denominators["near_poor"],
                "near_poor_reached": counts["near_poor"],
                "near_poor_rate": as_number(rate(counts["near_poor"], denominators["near_poor"])),
            }
        )
    source = data_year(session, place, year)
    return {"year": year, "data_year": source, "place": place_public(place), "rows": rows}


def live_visit_coverage_report(
    session: Session, *, year: int | None, place_id: str | None, as_of: date | None = None
) -> dict[str, Any]:
    """Households followed in the year (poor, near-poor, and escaped in the year or the year
    before) and how many were visited by their due dates: at least once in every quarter that
    has ended (the follow-up schedule visits them at least quarterly)."""
    place = find_place(session, place_id)
    year = year or latest_year_with_data(session, place)
    today = as_of or today_in_vietnam()
    end = min(date(year, 12, 31), today)
    ended = [q for q in _quarter_ends(year) if q <= end]
    required = len(ended)
    last_required = ended[-1] if ended else date(year, 1, 1)
    quarter = _quarter(VT.c.visited_on, year)
    visits = (
        select(
            VT.c.household_id,
            func.count(VT.c.id).label("visits"),
            func.count(
                distinct(case((VT.c.visited_on <= last_required, quarter), else_=None))
            ).label("quarters"),
        )
        .where(VT.c.visited_on >= date(year, 1, 1), VT.c.visited_on <= end)
        .group_by(VT.c.household_id)
        .subquery("visits_in_year")
    )
    status = status_in_year(year, place)
    group = case(
        (
            and_(
                status.c.transition.in_(ESCAPES),
                status.c.change_year >= year - 1,
                status.c.status != "poor",
            ),
            "escaped",
        ),
        (status.c.status == "poor", "poor"),
        (status.c.status == "near_poor", "near_poor"),
        else_=None,
    )
    on_schedule = func.coalesce(visits.c.quarters, 0) >= required
    stmt = (
        select(
            group,
            func.count(Household.id),
            count_if(func.coalesce(visits.c.visits, 0) > 0),
            count_if(on_schedule),
            func.coalesce(func.sum(visits.c.visits), 0),
        )
        .select_from(Household)
        .join(status, status.c.household_id == Household.id)
        .outerjoin(visits, visits.c.household_id == Household.id)
        .where(active_in_year(year), within(place), group.is_not(None))
        .group_by(group)
    )
    found = {row[0]: tuple(int(v) for v in row[1:]) for row in session.exec(stmt)}
    rows = [_coverage_row(code, label, found.get(code, (0, 0, 0, 0))) for code, label in GROUPS]
    totals = tuple(sum(found.get(code, (0, 0, 0, 0))[i] for code, _ in GROUPS) for i in range(4))
    return {
        "year": year,
        "data_year": data_year(session, place, year),
        "as_of": end,
        "quarters_ended": required,
        "place": place_public(place),
        "rows": rows,
        "total": _coverage_row(None, TOTAL_LABEL, totals),
    }
