"""Poverty and near-poverty rates, yearly transitions, and progress against targets.

Rates and transitions read the counts kept up to date in report_status_counts and
report_transition_counts (api/reports/counts.py), not the status changes themselves: at
province size ranking 1.4 million changes took seconds, the counts take milliseconds. The
tests hold them equal to the live aggregation (tests/reports/live_counts.py)."""

from typing import Any

from sqlalchemy import case, func, or_
from sqlmodel import Session, select

from api.errors import ValidationFailed
from api.models import Place, ReportStatusCount, ReportTransitionCount
from api.reports.common import (
    TOTAL_LABEL,
    as_number,
    child_of,
    ethnicity_label,
    find_place,
    first_year_with_data,
    latest_year_with_data,
    place_labels,
    place_public,
    rate,
    standard_in_force,
    sum_if,
    within,
)
from api.reports.tables import Column, Table

COUNTS = ("households", "poor", "near_poor", "poor_without_labour_capacity")


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
    by: str | None,
    ethnicity: str | None = None,
) -> list[tuple[Any, dict[str, int]]]:
    """(key, counts) per group (by "place" or "ethnicity"), or one (None, counts) for
    by=None: one GROUP BY over the maintained counts of the year (api/reports/counts.py),
    scoped like households. Besides COUNTS, counts["data_year"] is the latest review year
    the group's statuses come from (None when none of its households had a review up to
    `year`)."""
    rc = ReportStatusCount
    key = _count_key(rc, by, place)
    poor = rc.status == "poor"
    measures = (
        func.coalesce(func.sum(rc.households), 0),
        sum_if(poor, rc.households),
        sum_if(rc.status == "near_poor", rc.households),
        sum_if(poor & rc.without_labour_capacity, rc.households),
        func.max(case((rc.status != "", rc.change_year))),
    )
    stmt = select(*((key,) if key is not None else ()), *measures).where(
        rc.year_from <= year,
        or_(rc.year_to.is_(None), rc.year_to >= year),
        within(place, rc),
    )
    if ethnicity is not None:
        stmt = stmt.where(rc.ethnicity == ethnicity)
    if key is None:
        return [(None, _counts(session.exec(stmt).one()))]
    groups: dict[Any, dict[str, int | None]] = {}
    for found, *values in session.exec(stmt.group_by(key)).all():
        group = _group_of(by, place, found)
        groups[group] = _add(groups.get(group), _counts(values))
    return list(groups.items())


def _count_key(source, by: str | None, place: Place | None):
    """The GROUP BY column of a counts table: ethnicity, commune (everything), or the place
    path (under a place), which _group_of folds into the place's children: a few hundred
    paths in Python cost less than matching every row against every child in SQL."""
    if by is None:
        return None
    if by == "ethnicity":
        return source.ethnicity
    return source.commune_id if place is None else source.place_path


def _group_of(by: str | None, place: Place | None, key: Any) -> Any:
    return child_of(place, key) if by == "place" and place is not None else key


def _add(total: dict | None, counts: dict) -> dict:
    if total is None:
        return counts
    years = [y for y in (total["data_year"], counts["data_year"]) if y is not None]
    return {
        **{name: total[name] + counts[name] for name in COUNTS},
        "data_year": max(years, default=None),
    }


def _counts(values) -> dict[str, int | None]:
    *counts, latest = values
    return {
        **dict(zip(COUNTS, map(int, counts), strict=True)),
        "data_year": None if latest is None else int(latest),
    }


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
    groups = rate_counts(session, year=year, place=place, by=by, ethnicity=ethnicity)
    # Read with the counts (no query of its own): the latest review behind these figures.
    years = [counts.pop("data_year") for _, counts in groups]
    source = max((y for y in years if y is not None), default=None)
    totals = {name: sum(counts[name] for _, counts in groups) for name in COUNTS}
    report = {
        "year": year,
        "data_year": source,
        "standard": standard_in_force(year),
        "place": place_public(place),
        "by": by,
        "ethnicity": ethnicity,
    }
    if source is None:
        # Before any recognised review nobody has a status: "0 poor = 0.00 %" would be a
        # figure nobody measured, so only the register's households are given.
        return {**report, "rows": [], "total": _unmeasured_row(totals["households"])}
    return {**report, "rows": _rate_rows(session, by, groups), "total": _total_row(totals)}


def _rate_rows(session: Session, by: str, groups) -> list[dict[str, Any]]:
    if by == "ethnicity":
        rows = [_rate_row(key, ethnicity_label(key), counts) for key, counts in groups]
        rows.sort(key=lambda row: (-row["households"], row["label"]))
        return rows
    labels = place_labels(session, [key for key, _ in groups])
    rows = [_rate_row(key, labels.get(key, key), counts) for key, counts in groups]
    rows.sort(key=lambda row: (row["label"], row["key"]))
    return rows


def _total_row(totals: dict[str, int]) -> dict[str, Any]:
    return _rate_row(None, TOTAL_LABEL, totals)


def _unmeasured_row(households: int) -> dict[str, Any]:
    unknown = dict.fromkeys(("poor", "near_poor", "poor_without_labour_capacity"))
    return {
        "key": None,
        "label": TOTAL_LABEL,
        "households": households,
        **unknown,
        "poor_rate": None,
        "near_poor_rate": None,
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
    A household with two changes of one kind in a year (ad-hoc, then periodic) counts once.

    The first review year of the scope is the baseline: every household classified then
    shows as newly poor or newly near-poor, which is the starting register, not new poverty.
    Its rows are flagged `baseline` and left out of the total (unless the report covers only
    the baseline, when the total is the baseline's, flagged too)."""
    place = find_place(session, place_id)
    years = _transition_years(
        session, place, by=by, year=year, from_year=from_year, to_year=to_year
    )
    counts = _transition_counts(session, place, years, by)
    baseline = first_year_with_data(session, place)
    if by == "year":
        for each in range(years[0], years[1] + 1):
            counts.setdefault(each, dict.fromkeys(TRANSITIONS, 0))
        rows = [
            {"key": y, "label": str(y), "baseline": y == baseline, **counts[y]}
            for y in sorted(counts)
        ]
    else:
        in_baseline = years[0] == baseline
        rows = _transition_rows(session, by, counts, baseline=in_baseline)
    return {
        "from_year": years[0],
        "to_year": years[1],
        "baseline_year": baseline,
        "place": place_public(place),
        "by": by,
        "rows": rows,
        "total": _transition_total(rows),
    }


def _transition_years(
    session: Session,
    place: Place | None,
    *,
    by: str,
    year: int | None,
    from_year: int | None,
    to_year: int | None,
) -> tuple[int, int]:
    """The first and last year of the report; an inverted range is the caller's mistake."""
    if by != "year":
        year = year or latest_year_with_data(session, place)
        return year, year
    if from_year is not None and to_year is not None and from_year > to_year:
        raise ValidationFailed(
            f"from_year {from_year} is after to_year {to_year}.",
            pointer="/from_year",
            detail_vi=f"Năm bắt đầu {from_year} sau năm kết thúc {to_year}.",
        )
    last = to_year or year or latest_year_with_data(session, place)
    first = from_year or year or last
    return first, max(first, last)  # from_year alone after the latest review: that year


def _transition_counts(
    session: Session, place: Place | None, years: tuple[int, int], by: str
) -> dict[Any, dict[str, int]]:
    rt = ReportTransitionCount
    key = rt.year if by == "year" else _count_key(rt, by, place)
    stmt = (
        select(key, rt.transition, func.sum(rt.households))
        .where(
            within(place, rt),
            rt.year >= years[0],
            rt.year <= years[1],
            rt.transition.in_(TRANSITIONS),
        )
        .group_by(key, rt.transition)
    )
    counts: dict[Any, dict[str, int]] = {}
    for found, transition, count in session.exec(stmt):
        group = counts.setdefault(_group_of(by, place, found), dict.fromkeys(TRANSITIONS, 0))
        group[transition] += int(count)
    return counts


def _transition_rows(session: Session, by: str, counts, *, baseline: bool) -> list[dict]:
    if by == "ethnicity":
        labels = {k: ethnicity_label(k) for k in counts}
    else:
        labels = place_labels(session, counts)
    rows = [
        {"key": k, "label": labels.get(k, k), "baseline": baseline, **c} for k, c in counts.items()
    ]
    rows.sort(key=lambda row: (row["label"], row["key"] or ""))
    return rows


def _transition_total(rows: list[dict[str, Any]]) -> dict[str, Any]:
    counted = [row for row in rows if not row["baseline"]]
    only_baseline = bool(rows) and not counted
    if only_baseline:
        counted = rows
    total = {"key": None, "label": TOTAL_LABEL, "baseline": only_baseline}
    total.update({t: sum(row[t] for row in counted) for t in TRANSITIONS})
    return total


def transitions_table(report: dict[str, Any]) -> Table:
    first = {"year": "Năm", "ethnicity": "Dân tộc"}.get(report["by"], "Địa bàn")
    span = f"{report['from_year']}-{report['to_year']}"
    if report["from_year"] == report["to_year"]:
        span = str(report["from_year"])
    rows, kind = report["rows"], "text"
    if report["by"] == "year":  # the year as a number in the sheet, "Tổng cộng" stays text
        rows, kind = [{**row, "label": row["key"]} for row in rows], "year"
    return Table(
        title=f"Biến động hộ nghèo, hộ cận nghèo {span}",
        filename=f"bien-dong-ho-ngheo-{span}",
        columns=[Column("label", first, kind)]
        + [Column(code, header) for code, header in TRANSITION_COLUMNS]
        + [Column("baseline", "Năm gốc (không cộng vào tổng)", "text")],
        rows=rows,
        total=report["total"],
        sheet="Biến động",
    )
