"""Poverty and near-poverty rates, yearly transitions, and progress against targets."""

from typing import Any

from sqlalchemy import distinct, func
from sqlmodel import Session, select

from api.models import Household, Place
from api.reports.common import (
    SC,
    TOTAL_LABEL,
    Grouping,
    active_in_year,
    as_number,
    count_if,
    ethnicity_grouping,
    ethnicity_label,
    find_place,
    latest_year_with_data,
    place_grouping,
    place_labels,
    place_public,
    rate,
    status_in_year,
    within,
)
from api.reports.tables import Column, Table

COUNTS = ("households", "poor", "near_poor", "poor_without_labour_capacity")


def _grouping(by: str, place: Place | None) -> Grouping:
    return ethnicity_grouping() if by == "ethnicity" else place_grouping(place)


def _rate_row(key, label, counts: dict[str, int]) -> dict[str, Any]:
    households = counts["households"]
    return {
        "key": key,
        "label": label,
        **counts,
        "poor_rate": as_number(rate(counts["poor"], households)),
        "near_poor_rate": as_number(rate(counts["near_poor"], households)),
    }


def rate_counts(
    session: Session,
    *,
    year: int,
    place: Place | None,
    grouping: Grouping | None,
    ethnicity: str | None = None,
) -> list[tuple[Any, dict[str, int]]]:
    """(key, counts) per group, or one (None, counts) without grouping: one GROUP BY query."""
    status = status_in_year(year, place)
    key = grouping.key if grouping is not None else None
    measures = (
        func.count(Household.id),
        count_if(status.c.status == "poor"),
        count_if(status.c.status == "near_poor"),
        count_if((status.c.status == "poor") & status.c.without_labour_capacity),
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
        return [(None, dict(zip(COUNTS, map(int, session.exec(stmt).one()), strict=True)))]
    rows = session.exec(stmt.group_by(key)).all()
    return [(row[0], dict(zip(COUNTS, map(int, row[1:]), strict=True))) for row in rows]


def poverty_rate_report(
    session: Session,
    *,
    year: int | None,
    place_id: str | None,
    by: str,
    ethnicity: str | None = None,
) -> dict[str, Any]:
    """Poor and near-poor households of the year among all active households, by group."""
    place = find_place(session, place_id)
    year = year or latest_year_with_data(session, place)
    grouping = _grouping(by, place)
    groups = rate_counts(session, year=year, place=place, grouping=grouping, ethnicity=ethnicity)
    if by == "ethnicity":
        rows = [_rate_row(key, ethnicity_label(key), counts) for key, counts in groups]
        rows.sort(key=lambda row: (-row["households"], row["label"]))
    else:
        labels = place_labels(session, [key for key, _ in groups])
        rows = [_rate_row(key, labels.get(key, key), counts) for key, counts in groups]
        rows.sort(key=lambda row: (row["label"], row["key"]))
    totals = {name: sum(counts[name] for _, counts in groups) for name in COUNTS}
    return {
        "year": year,
        "place": place_public(place),
        "by": by,
        "ethnicity": ethnicity,
        "rows": rows,
        "total": _rate_row(None, TOTAL_LABEL, totals),
    }


def poverty_rate_table(report: dict[str, Any]) -> Table:
    group = "Dân tộc" if report["by"] == "ethnicity" else "Địa bàn"
    where = report["place"]["name"] if report["place"] else "toàn địa bàn"
    return Table(
        title=f"Tỷ lệ hộ nghèo, hộ cận nghèo năm {report['year']} ({where})",
        filename=f"ty-le-ho-ngheo-{report['year']}",
        columns=[
            Column("label", group, "text"),
            Column("households", "Tổng số hộ"),
            Column("poor", "Số hộ nghèo"),
            Column("poor_rate", "Tỷ lệ hộ nghèo (%)", "rate"),
            Column("near_poor", "Số hộ cận nghèo"),
            Column("near_poor_rate", "Tỷ lệ hộ cận nghèo (%)", "rate"),
            Column("poor_without_labour_capacity", "Hộ nghèo không có khả năng lao động"),
        ],
        rows=report["rows"],
        total=report["total"],
        sheet=f"Tỷ lệ nghèo {report['year']}",
    )


# -- transitions -------------------------------------------------------------------------------

TRANSITION_COLUMNS = (
    ("newly_poor", "Hộ nghèo phát sinh"),
    ("re_poor", "Hộ tái nghèo"),
    ("escaped_poverty", "Hộ thoát nghèo"),
    ("newly_near_poor", "Hộ cận nghèo phát sinh"),
    ("escaped_near_poverty", "Hộ thoát cận nghèo"),
)
TRANSITIONS = tuple(code for code, _ in TRANSITION_COLUMNS)


def transitions_report(
    session: Session,
    *,
    year: int | None,
    from_year: int | None,
    to_year: int | None,
    place_id: str | None,
    by: str,
) -> dict[str, Any]:
    """Households newly poor, re-poor, escaped… per year, or in one year by place or ethnicity.
    A household with two changes of one kind in a year (ad-hoc, then periodic) counts once."""
    place = find_place(session, place_id)
    if by == "year":
        last = to_year or year or latest_year_with_data(session, place)
        first = from_year or year or last
        years = (first, last)
        key = SC.c.year
        grouping = None
    else:
        year = year or latest_year_with_data(session, place)
        years = (year, year)
        grouping = _grouping(by, place)
        key = grouping.key
    stmt = select(key, SC.c.transition, func.count(distinct(SC.c.household_id))).select_from(
        Household
    )
    if grouping is not None:
        stmt = grouping.join(stmt)
    stmt = (
        stmt.join(SC, SC.c.household_id == Household.id)
        .where(
            within(place),
            SC.c.year >= years[0],
            SC.c.year <= years[1],
            SC.c.transition.in_(TRANSITIONS),
        )
        .group_by(key, SC.c.transition)
    )
    counts: dict[Any, dict[str, int]] = {}
    for group, transition, count in session.exec(stmt):
        counts.setdefault(group, dict.fromkeys(TRANSITIONS, 0))[transition] = int(count)
    if by == "year":
        for each in range(years[0], years[1] + 1):
            counts.setdefault(each, dict.fromkeys(TRANSITIONS, 0))
        rows = [{"key": y, "label": str(y), **counts[y]} for y in sorted(counts)]
    elif by == "ethnicity":
        rows = [{"key": k, "label": ethnicity_label(k), **c} for k, c in counts.items()]
        rows.sort(key=lambda row: row["label"])
    else:
        labels = place_labels(session, counts)
        rows = [{"key": k, "label": labels.get(k, k), **c} for k, c in counts.items()]
        rows.sort(key=lambda row: (row["label"], row["key"]))
    total = {"key": None, "label": TOTAL_LABEL}
    total.update({t: sum(row[t] for row in rows) for t in TRANSITIONS})
    return {
        "from_year": years[0],
        "to_year": years[1],
        "place": place_public(place),
        "by": by,
        "rows": rows,
        "total": total,
    }


def transitions_table(report: dict[str, Any]) -> Table:
    first = {"year": "Năm", "ethnicity": "Dân tộc"}.get(report["by"], "Địa bàn")
    span = f"{report['from_year']}-{report['to_year']}"
    if report["from_year"] == report["to_year"]:
        span = str(report["from_year"])
    return Table(
        title=f"Biến động hộ nghèo, hộ cận nghèo {span}",
        filename=f"bien-dong-ho-ngheo-{span}",
        columns=[Column("label", first, "text")]
        + [Column(code, header) for code, header in TRANSITION_COLUMNS],
        rows=report["rows"],
        total=report["total"],
        sheet="Biến động",
    )
