"""Support delivered (households reached, records, VND), coverage of poor and near-poor
households by category, and needs still unmet."""

from datetime import date
from typing import Any

from sqlalchemy import and_, case, distinct, func
from sqlmodel import Session, select

from api.errors import ValidationFailed
from api.models import Agency, Household, Need, Policy
from api.models.categories import SUPPORT_CATEGORIES
from api.models.supports import HAPPENED_STATUSES, Support
from api.reports.common import (
    TOTAL_LABEL,
    as_number,
    count_if,
    data_year,
    find_place,
    followed_in_year,
    latest_year_with_data,
    place_public,
    rate,
    within,
    year_end_instant,
)
from api.reports.counts import FOLLOWED_STATUSES
from api.reports.tables import Column, Table

SP = Support.__table__
NEED = Need.__table__
CATEGORY_NAMES = {code: vi for code, vi, _ in SUPPORT_CATEGORIES}
FUNDING_NAMES = {
    "program_135": "Chương trình 135",
    "ntp_subproject": "Dự án thuộc CTMTQG giảm nghèo bền vững",
    "state_budget": "Ngân sách nhà nước",
    "policy_credit": "Tín dụng chính sách (NHCSXH)",
    "local_budget": "Ngân sách địa phương",
    "social_mobilisation": "Xã hội hóa, vận động",
}
BY_COLUMNS = {
    "category": SP.c.category,
    "policy": SP.c.policy_id,
    "agency": SP.c.agency_id,
    "funding_source": SP.c.funding_source,
}
BY_HEADERS = {
    "category": "Lĩnh vực",
    "policy": "Chính sách",
    "agency": "Cơ quan thực hiện",
    "funding_source": "Nguồn vốn",
}


def _period(year: int | None, date_from: date | None, date_to: date | None) -> tuple[date, date]:
    if date_from is not None or date_to is not None:
        if date_from is None or date_to is None:
            raise ValidationFailed("Give both date_from and date_to.", pointer="/date_from")
        if date_to < date_from:
            raise ValidationFailed("date_to is before date_from.", pointer="/date_to")
        return date_from, date_to
    assert year is not None
    return date(year, 1, 1), date(year, 12, 31)


def _labels(session: Session, by: str, keys) -> dict[str, str]:
    keys = sorted({k for k in keys if k})
    if by == "category":
        return {k: CATEGORY_NAMES.get(k, k) for k in keys}
    if by == "funding_source":
        return {k: FUNDING_NAMES.get(k, k) for k in keys}
    model = Policy if by == "policy" else Agency
    if not keys:
        return {}
    return dict(session.exec(select(model.id, model.name).where(model.id.in_(keys))).all())


def supports_report(
    session: Session,
    *,
    year: int | None,
    date_from: date | None,
    date_to: date | None,
    place_id: str | None,
    by: str,
) -> dict[str, Any]:
    """Supports that happened (delivered, repaid, overdue) in the period, by `by`."""
    place = find_place(session, place_id)
    if year is None and date_from is None and date_to is None:
        year = latest_year_with_data(session, place)
    start, end = _period(year, date_from, date_to)
    key = BY_COLUMNS[by]
    stmt = (
        select(
            key,
            func.count(distinct(SP.c.household_id)),
            func.count(SP.c.id),
            func.coalesce(func.sum(SP.c.amount_vnd), 0),
        )
        .select_from(Household)
        .join(SP, SP.c.household_id == Household.id)
        .where(
            within(place),
            SP.c.status.in_(sorted(HAPPENED_STATUSES)),
            SP.c.delivered_on >= start,
            SP.c.delivered_on <= end,
        )
        .group_by(key)
    )
    found = session.exec(stmt).all()
    labels = _labels(session, by, [row[0] for row in found])
    rows = [
        {
            "key": k,
            "label": labels.get(k, k),
            "households": int(h),
            "records": int(n),
            "amount_vnd": int(amount),
        }
        for k, h, n, amount in found
    ]
    rows.sort(key=lambda row: (-row["amount_vnd"], row["label"]))
    reached = session.exec(
        select(func.count(distinct(SP.c.household_id)))
        .select_from(Household)
        .join(SP, SP.c.household_id == Household.id)
        .where(
            within(place),
            SP.c.status.in_(sorted(HAPPENED_STATUSES)),
            SP.c.delivered_on >= start,
            SP.c.delivered_on <= end,
        )
    ).one()
    total = {
        "key": None,
        "label": TOTAL_LABEL,
        "households": int(reached),
        "records": sum(row["records"] for row in rows),
        "amount_vnd": sum(row["amount_vnd"] for row in rows),
    }
    return {
        "date_from": start,
        "date_to": end,
        "place": place_public(place),
        "by": by,
        "rows": rows,
        "total": total,
    }


def supports_table(report: dict[str, Any]) -> Table:
    start, end = report["date_from"], report["date_to"]
    return Table(
        title=f"Kết quả hỗ trợ từ {start:%d/%m/%Y} đến {end:%d/%m/%Y}",
        filename=f"ket-qua-ho-tro-{start.isoformat()}-{end.isoformat()}",
        columns=[
            Column("label", BY_HEADERS[report["by"]], "text"),
            Column("households", "Số hộ được hỗ trợ"),
            Column("records", "Số lượt hỗ trợ"),
            Column("amount_vnd", "Số tiền (đồng)", "vnd"),
        ],
        rows=report["rows"],
        total=report["total"],
        sheet="Kết quả hỗ trợ",
    )


# -- coverage ----------------------------------------------------------------------------------


def coverage_report(session: Session, *, year: int | None, place_id: str | None) -> dict[str, Any]:
    """Per category: the share of the year's poor and near-poor households that received at
    least one support of it during the year (e.g. a health-insurance card)."""
    place = find_place(session, place_id)
    year = year or latest_year_with_data(session, place)
    followed = followed_in_year(year, place)
    needy = followed.c.status.in_(FOLLOWED_STATUSES)
    denominators = {"poor": 0, "near_poor": 0}
    stmt = select(followed.c.status, func.count()).where(needy).group_by(followed.c.status)
    for group, count in session.exec(stmt):
        denominators[group] = int(count)
    # From the needy households to their supports of the year (the household and date
    # index), never the other way round: a province delivers 600,000 supports a year.
    stmt = (
        select(SP.c.category, followed.c.status, func.count(distinct(SP.c.household_id)))
        .select_from(followed)
        .join(
            SP,
            and_(
                SP.c.household_id == followed.c.household_id,
                SP.c.delivered_on >= date(year, 1, 1),
                SP.c.delivered_on <= date(year, 12, 31),
                SP.c.status.in_(sorted(HAPPENED_STATUSES)),
            ),
        )
        .where(needy)
        .group_by(SP.c.category, followed.c.status)
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


def coverage_table(report: dict[str, Any]) -> Table:
    return Table(
        title=f"Độ bao phủ chính sách đối với hộ nghèo, hộ cận nghèo năm {report['year']}",
        filename=f"do-bao-phu-chinh-sach-{report['year']}",
        columns=[
            Column("label", "Lĩnh vực", "text"),
            Column("poor_households", "Số hộ nghèo"),
            Column("poor_reached", "Hộ nghèo được hỗ trợ"),
            Column("poor_rate", "Tỷ lệ hộ nghèo được hỗ trợ (%)", "rate"),
            Column("near_poor_households", "Số hộ cận nghèo"),
            Column("near_poor_reached", "Hộ cận nghèo được hỗ trợ"),
            Column("near_poor_rate", "Tỷ lệ hộ cận nghèo được hỗ trợ (%)", "rate"),
        ],
        rows=report["rows"],
        sheet=f"Bao phủ {report['year']}",
    )


# -- unmet needs -------------------------------------------------------------------------------


def needs_report(session: Session, *, year: int | None, place_id: str | None) -> dict[str, Any]:
    """Needs still open by category (households, of them poor and near-poor ones), and the
    needs of the category met during the year."""
    place = find_place(session, place_id)
    year = year or latest_year_with_data(session, place)
    is_open = NEED.c.status == "open"
    met_in_year = and_(
        NEED.c.status == "met",
        func.coalesce(NEED.c.closed_at, NEED.c.updated_at) >= _instant(year),
        func.coalesce(NEED.c.closed_at, NEED.c.updated_at) < _instant(year + 1),
    )
    stmt = (
        select(
            NEED.c.category,
            count_if(is_open),
            func.count(distinct(_when(is_open, NEED.c.household_id))),
            func.count(
                distinct(_when(is_open & (Household.status == "poor"), NEED.c.household_id))
            ),
            func.count(
                distinct(_when(is_open & (Household.status == "near_poor"), NEED.c.household_id))
            ),
            count_if(met_in_year),
        )
        .select_from(Household)
        .join(NEED, NEED.c.household_id == Household.id)
        .where(within(place), Household.archived_at.is_(None))
        .group_by(NEED.c.category)
    )
    found = {row[0]: tuple(int(v) for v in row[1:]) for row in session.exec(stmt)}
    rows = []
    for code, name, _ in SUPPORT_CATEGORIES:
        open_, households, poor, near_poor, met = found.get(code, (0, 0, 0, 0, 0))
        rows.append(
            {
                "key": code,
                "label": name,
                "open_needs": open_,
                "households": households,
                "poor_households": poor,
                "near_poor_households": near_poor,
                "met_in_year": met,
            }
        )
    households_with_open = session.exec(
        select(func.count(distinct(NEED.c.household_id)))
        .select_from(Household)
        .join(NEED, NEED.c.household_id == Household.id)
        .where(within(place), Household.archived_at.is_(None), is_open)
    ).one()
    total = {
        "key": None,
        "label": TOTAL_LABEL,
        "open_needs": sum(r["open_needs"] for r in rows),
        "households": int(households_with_open),
        "poor_households": None,
        "near_poor_households": None,
        "met_in_year": sum(r["met_in_year"] for r in rows),
    }
    return {"year": year, "place": place_public(place), "rows": rows, "total": total}


def _when(condition, value):
    return case((condition, value), else_=None)


def _instant(year: int):
    """The first instant of the year in Vietnam."""
    return year_end_instant(year - 1)


def needs_table(report: dict[str, Any]) -> Table:
    return Table(
        title=f"Nhu cầu chưa được đáp ứng (đã đáp ứng trong năm {report['year']})",
        filename=f"nhu-cau-chua-dap-ung-{report['year']}",
        columns=[
            Column("label", "Lĩnh vực", "text"),
            Column("open_needs", "Nhu cầu chưa đáp ứng"),
            Column("households", "Số hộ có nhu cầu"),
            Column("poor_households", "Trong đó hộ nghèo"),
            Column("near_poor_households", "Trong đó hộ cận nghèo"),
            Column("met_in_year", f"Đã đáp ứng trong năm {report['year']}"),
        ],
        rows=report["rows"],
        total=report["total"],
        sheet="Nhu cầu",
    )
