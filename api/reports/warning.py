"""The early-warning list: near-poor and escaped households by re-poverty risk."""

from typing import Any

from sqlalchemy import case, func
from sqlmodel import Session, select

from api.models import Assignment, Household, Person, Place
from api.reports.common import find_place, place_public, within
from api.reports.tables import Column, Table

# Core tables: the scope limits the households; what is read beside them is only names.
AS = Assignment.__table__
PS = Person.__table__
PL = Place.__table__

COLUMNS = [
    getattr(Household, name)
    for name in (
        "id",
        "code",
        "head_name",
        "commune_id",
        "place_id",
        "status",
        "risk_score",
        "risk_reasons",
        "next_visit_due_on",
    )
]
BANDS = (("high", 60, "Cao"), ("medium", 30, "Trung bình"), ("low", 0, "Thấp"))


def _band(score: int) -> str:
    return next(code for code, floor, _ in BANDS if score >= floor)


def _person_in_charge():
    """The name of the person in charge of the row's household (the latest if several)."""
    return (
        select(PS.c.full_name)
        .select_from(AS.join(PS, PS.c.id == AS.c.person_id))
        .where(AS.c.household_id == Household.id, AS.c.end_date.is_(None))
        .order_by(AS.c.start_date.desc(), AS.c.id.desc())
        .limit(1)
        .scalar_subquery()
        .label("person_in_charge")
    )


def _place_name(which: str):
    column = Household.commune_id if which == "commune" else Household.place_id
    return select(PL.c.name).where(PL.c.id == column).scalar_subquery().label(which)


def early_warning_report(
    session: Session, *, place_id: str | None, min_score: int, limit: int
) -> dict[str, Any]:
    """Watched households (near-poor, escaped) by re-poverty risk, highest first."""
    place = find_place(session, place_id)
    where = (
        Household.archived_at.is_(None),
        Household.risk_score.is_not(None),
        Household.risk_score >= min_score,
        within(place),
    )
    band = case(
        (Household.risk_score >= BANDS[0][1], "high"),
        (Household.risk_score >= BANDS[1][1], "medium"),
        else_="low",
    )
    counts = dict(
        session.exec(select(band, func.count(Household.id)).where(*where).group_by(band)).all()
    )
    # One statement of plain rows (an ORM entity per household, and a query each for the
    # persons in charge and the place names, cost more than the rows themselves). The names
    # are read from the tables themselves, unscoped as they were: names, not records.
    households = session.exec(
        select(*COLUMNS, _person_in_charge(), _place_name("commune"), _place_name("place"))
        .where(*where)
        .order_by(Household.risk_score.desc(), Household.id)
        .limit(limit)
    ).all()
    rows = []
    for household in households:
        reasons = household.risk_reasons or []
        rows.append(
            {
                "household_id": household.id,
                "code": household.code,
                "head_name": household.head_name,
                "commune": household.commune,
                "place": household.place,
                "status": household.status,
                "risk_score": household.risk_score,
                "band": _band(household.risk_score or 0),
                "reasons": reasons,
                "main_reasons": "; ".join(r["vi"] for r in reasons[:3]),
                "next_visit_due_on": household.next_visit_due_on,
                "person_in_charge": household.person_in_charge,
            }
        )
    total = sum(counts.values())
    return {
        "place": place_public(place),
        "min_score": min_score,
        "total": total,
        "bands": {code: int(counts.get(code, 0)) for code, _, _ in BANDS},
        "truncated": total > len(rows),
        "rows": rows,
    }


STATUS_NAMES = {
    "poor": "Hộ nghèo",
    "near_poor": "Hộ cận nghèo",
    "average": "Hộ có mức sống trung bình",
    "not_poor": "Hộ không nghèo",
    "unclassified": "Chưa phân loại",
}


def early_warning_table(report: dict[str, Any]) -> Table:
    rows = [
        {
            **row,
            "status_label": STATUS_NAMES.get(row["status"], row["status"]),
            "band_label": next(vi for code, _, vi in BANDS if code == row["band"]),
        }
        for row in report["rows"]
    ]
    return Table(
        title="Danh sách cảnh báo sớm nguy cơ tái nghèo",
        filename="canh-bao-som-tai-ngheo",
        columns=[
            Column("code", "Mã hộ", "text"),
            Column("head_name", "Họ tên chủ hộ", "text"),
            Column("commune", "Xã/Thị trấn", "text"),
            Column("place", "Ấp/Khóm", "text"),
            Column("status_label", "Phân loại", "text"),
            Column("risk_score", "Điểm nguy cơ"),
            Column("band_label", "Mức nguy cơ", "text"),
            Column("main_reasons", "Lý do chính", "text"),
            Column("next_visit_due_on", "Hạn thăm tiếp theo", "date"),
            Column("person_in_charge", "Người phụ trách", "text"),
        ],
        rows=rows,
        sheet="Cảnh báo sớm",
    )
