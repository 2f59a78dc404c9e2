"""Field work: visit coverage, each person's workload, and the stability table."""

from datetime import date
from typing import Any

from sqlalchemy import and_, case, distinct, func, or_
from sqlmodel import Session, select

from api.core.dates import today_in_vietnam
from api.models import Assignment, Household, Visit
from api.models.people import ORGANISATIONS
from api.people.assignments import persons_by_id
from api.reports.common import (
    ESCAPES,
    TOTAL_LABEL,
    as_number,
    count_if,
    data_year,
    find_place,
    followed_in_year,
    latest_year_with_data,
    place_labels,
    place_public,
    rate,
    within,
)
from api.reports.tables import Column, Table

VT = Visit.__table__
AS = Assignment.__table__
ORGANISATION_NAMES = {code: vi for code, vi, _ in ORGANISATIONS}
GROUPS = (
    ("poor", "Hộ nghèo"),
    ("near_poor", "Hộ cận nghèo"),
    ("escaped", "Hộ mới thoát nghèo, thoát cận nghèo"),
)
QUARTER_STARTS = ((1, 1), (4, 1), (7, 1), (10, 1))


def _quarter_ends(year: int) -> list[date]:
    return [date(year, 3, 31), date(year, 6, 30), date(year, 9, 30), date(year, 12, 31)]


def _quarter(column, year: int):
    """The quarter (1-4) of a date of `year`, portable SQL."""
    starts = [date(year, m, d) for m, d in QUARTER_STARTS]
    return case(
        (column >= starts[3], 4), (column >= starts[2], 3), (column >= starts[1], 2), else_=1
    )


def visit_coverage_report(
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
    followed = followed_in_year(year, place)
    quarter = _quarter(VT.c.visited_on, year)
    visits = (
        select(
            VT.c.household_id,
            func.count(VT.c.id).label("visits"),
            func.count(
                distinct(case((VT.c.visited_on <= last_required, quarter), else_=None))
            ).label("quarters"),
        )
        .where(
            VT.c.visited_on >= date(year, 1, 1),
            VT.c.visited_on <= end,
            VT.c.household_id.in_(select(followed.c.household_id)),
        )
        .group_by(VT.c.household_id)
        .subquery("visits_in_year")
    )
    group = case(
        (
            and_(
                followed.c.transition.in_(ESCAPES),
                followed.c.change_year >= year - 1,
                followed.c.status != "poor",
            ),
            "escaped",
        ),
        (followed.c.status == "poor", "poor"),
        (followed.c.status == "near_poor", "near_poor"),
        else_=None,
    )
    on_schedule = func.coalesce(visits.c.quarters, 0) >= required
    stmt = (
        select(
            group,
            func.count(followed.c.household_id),
            count_if(func.coalesce(visits.c.visits, 0) > 0),
            count_if(on_schedule),
            func.coalesce(func.sum(visits.c.visits), 0),
        )
        .select_from(followed)
        .outerjoin(visits, visits.c.household_id == followed.c.household_id)
        .where(group.is_not(None))
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


def _coverage_row(key, label, counts) -> dict[str, Any]:
    followed, visited, on_schedule, visits = counts
    return {
        "key": key,
        "label": label,
        "households": followed,
        "visited": visited,
        "visited_rate": as_number(rate(visited, followed)),
        "visited_on_schedule": on_schedule,
        "on_schedule_rate": as_number(rate(on_schedule, followed)),
        "visits": visits,
    }


def visit_coverage_table(report: dict[str, Any]) -> Table:
    return Table(
        title=f"Thăm hộ theo lịch năm {report['year']} (đến {report['as_of']:%d/%m/%Y})",
        filename=f"tham-ho-theo-lich-{report['year']}",
        columns=[
            Column("label", "Nhóm hộ", "text"),
            Column("households", "Số hộ được theo dõi"),
            Column("visited", "Số hộ được thăm"),
            Column("visited_rate", "Tỷ lệ được thăm (%)", "rate"),
            Column("visited_on_schedule", "Số hộ được thăm đúng hạn"),
            Column("on_schedule_rate", "Tỷ lệ thăm đúng hạn (%)", "rate"),
            Column("visits", "Số lượt thăm"),
        ],
        rows=report["rows"],
        total=report["total"],
        sheet="Thăm hộ",
    )


# -- workload ----------------------------------------------------------------------------------


def workload_report(session: Session, *, year: int | None, place_id: str | None) -> dict[str, Any]:
    """Per person in charge: households in charge at the end of the year (or today), of them
    poor and near-poor now, visits recorded in the year and households they visited."""
    place = find_place(session, place_id)
    year = year or today_in_vietnam().year
    as_of = min(date(year, 12, 31), today_in_vietnam())
    in_force = and_(AS.c.start_date <= as_of, or_(AS.c.end_date.is_(None), AS.c.end_date > as_of))
    charge = (
        select(
            AS.c.person_id,
            func.count(distinct(AS.c.household_id)),
            func.count(distinct(case((Household.status == "poor", AS.c.household_id)))),
            func.count(distinct(case((Household.status == "near_poor", AS.c.household_id)))),
        )
        .select_from(Household)
        .join(AS, AS.c.household_id == Household.id)
        .where(within(place), in_force)
        .group_by(AS.c.person_id)
    )
    visits = (
        select(VT.c.visitor_id, func.count(VT.c.id), func.count(distinct(VT.c.household_id)))
        .select_from(Household)
        .join(VT, VT.c.household_id == Household.id)
        .where(within(place), VT.c.visited_on >= date(year, 1, 1), VT.c.visited_on <= as_of)
        .group_by(VT.c.visitor_id)
    )
    figures: dict[str, dict[str, int]] = {}
    empty = {"households": 0, "poor": 0, "near_poor": 0, "visits": 0, "households_visited": 0}
    for person_id, households, poor, near_poor in session.exec(charge):
        figures.setdefault(person_id, dict(empty)).update(
            households=int(households), poor=int(poor), near_poor=int(near_poor)
        )
    for person_id, count, visited in session.exec(visits):
        figures.setdefault(person_id, dict(empty)).update(
            visits=int(count), households_visited=int(visited)
        )
    persons = persons_by_id(session, set(figures))
    places = place_labels(session, [p.place_id for p in persons.values()])
    rows = []
    for person_id, values in figures.items():
        person = persons.get(person_id)
        rows.append(
            {
                "key": person_id,
                "label": person.full_name if person else person_id,
                "organisation": ORGANISATION_NAMES.get(person.organisation, person.organisation)
                if person
                else None,
                "place": places.get(person.place_id) if person else None,
                **values,
            }
        )
    rows.sort(key=lambda row: (-row["households"], -row["visits"], row["label"]))
    total = {"key": None, "label": TOTAL_LABEL, "organisation": None, "place": None}
    total.update({name: sum(row[name] for row in rows) for name in empty})
    return {
        "year": year,
        "as_of": as_of,
        "place": place_public(place),
        "rows": rows,
        "total": total,
    }


def workload_table(report: dict[str, Any]) -> Table:
    return Table(
        title=f"Phân công phụ trách và thăm hộ năm {report['year']}",
        filename=f"khoi-luong-cong-viec-{report['year']}",
        columns=[
            Column("label", "Người phụ trách", "text"),
            Column("organisation", "Tổ chức", "text"),
            Column("place", "Địa bàn", "text"),
            Column("households", "Số hộ phụ trách"),
            Column("poor", "Trong đó hộ nghèo"),
            Column("near_poor", "Trong đó hộ cận nghèo"),
            Column("visits", "Số lượt thăm"),
            Column("households_visited", "Số hộ đã thăm"),
        ],
        rows=report["rows"],
        total=report["total"],
        sheet="Người phụ trách",
    )


def stability_table(report: dict[str, Any]) -> Table:
    rows = [{**row} for row in report["rows"]]
    return Table(
        title=f"Ổn định người phụ trách năm {report['year']}",
        filename=f"on-dinh-nguoi-phu-trach-{report['year']}",
        columns=[
            Column("label", "Địa bàn", "text"),
            Column("households_followed", "Số hộ được theo dõi"),
            Column("without_person_in_charge", "Chưa có người phụ trách"),
            Column("assigned_households", "Số hộ có người phụ trách"),
            Column("changes", "Số lần thay người phụ trách"),
            Column("changes_per_household", "Số lần thay bình quân mỗi hộ", "text"),
        ],
        rows=rows,
        total=report["total"],
        sheet="Ổn định phụ trách",
    )
