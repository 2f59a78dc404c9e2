"""Targets (a place, a year and a maximum rate) and the progress report against them."""

from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from sqlalchemy import func
from sqlmodel import Session, select

from api.audit.service import record_audit, snapshot
from api.auth.principal import Principal
from api.core.dates import today_in_vietnam
from api.core.etag import bump_version
from api.errors import Conflict, NotFound, ValidationFailed
from api.models import Household, Place, Target
from api.models.base import utcnow
from api.reports.common import (
    HUNDREDTH,
    SC,
    as_number,
    find_place,
    first_year_with_data,
    place_public,
    rate,
    within,
)
from api.reports.poverty import rate_counts
from api.reports.tables import Column, Table

KIND_LABELS = {"poor": "hộ nghèo", "near_poor": "hộ cận nghèo"}


def to_hundredths(value: Decimal) -> int:
    return int((value * 100).to_integral_value(rounding=ROUND_HALF_UP))


def from_hundredths(value: int) -> Decimal:
    return (Decimal(value) / 100).quantize(HUNDREDTH)


def target_public(target: Target, place: Place | None = None) -> dict[str, Any]:
    data = target.model_dump(exclude={"max_rate_hundredths", "place_path"})
    data["max_rate"] = as_number(from_hundredths(target.max_rate_hundredths))
    data["place"] = place_public(place) if place is not None else None
    return data


def get_target_or_raise(session: Session, target_id: str, *, for_update: bool = False) -> Target:
    stmt = select(Target).where(Target.id == target_id)
    if for_update:
        stmt = stmt.with_for_update()
    target = session.exec(stmt).first()
    if target is None:
        raise NotFound(f"No target with id {target_id!r}.")
    return target


def _check_free(session: Session, place_id: str, year: int, kind: str, except_id=None) -> None:
    stmt = select(Target.id).where(
        Target.place_id == place_id, Target.year == year, Target.kind == kind
    )
    existing = session.exec(stmt.execution_options(unscoped=True)).first()
    if existing is not None and existing != except_id:
        raise Conflict(
            f"The place already has a {kind} target for {year}.",
            errors=[{"pointer": "/year", "detail": "one target per place, year and kind"}],
        )


def create_target(session: Session, *, principal: Principal, data) -> Target:
    """A new target for a visible place."""
    place = session.exec(select(Place).where(Place.id == data.place_id)).first()
    if place is None:
        raise ValidationFailed(f"Unknown place {data.place_id!r}.", pointer="/place_id")
    _check_free(session, place.id, data.year, data.kind)
    target = Target(
        place_id=place.id,
        place_path=place.path,
        year=data.year,
        kind=data.kind,
        max_rate_hundredths=to_hundredths(data.max_rate),
        source_note=data.source_note,
        created_by=principal.id,
    )
    session.add(target)
    session.flush()
    record_audit(
        session,
        principal=principal,
        action="create",
        entity="target",
        entity_id=target.id,
        after=snapshot(target),
        place_path=target.place_path,
    )
    return target


def update_target(session: Session, *, principal: Principal, target: Target, data) -> Target:
    before = snapshot(target)
    changes = data.model_dump(exclude_unset=True)
    for name in ("year", "kind", "max_rate"):
        if name in changes and changes[name] is None:
            raise ValidationFailed(f"{name} cannot be null.", pointer=f"/{name}")
    if "max_rate" in changes:
        target.max_rate_hundredths = to_hundredths(changes.pop("max_rate"))
    for key, value in changes.items():
        setattr(target, key, value)
    _check_free(session, target.place_id, target.year, target.kind, except_id=target.id)
    if snapshot(target) == before:
        return target
    target.updated_at = utcnow()
    bump_version(target)
    session.flush()
    record_audit(
        session,
        principal=principal,
        action="update",
        entity="target",
        entity_id=target.id,
        before=before,
        after=snapshot(target),
        place_path=target.place_path,
    )
    return target


def delete_target(session: Session, *, principal: Principal, target: Target) -> None:
    record_audit(
        session,
        principal=principal,
        action="delete",
        entity="target",
        entity_id=target.id,
        before=snapshot(target),
        place_path=target.place_path,
    )
    session.delete(target)
    session.flush()


def places_by_id(session: Session, ids) -> dict[str, Place]:
    ids = sorted(set(ids))
    if not ids:
        return {}
    return {p.id: p for p in session.exec(select(Place).where(Place.id.in_(ids)))}


# -- progress ----------------------------------------------------------------------------------


def _latest_year(session: Session, place: Place, up_to: int) -> int | None:
    stmt = (
        select(func.max(SC.c.year))
        .select_from(Household)
        .join(SC, SC.c.household_id == Household.id)
        .where(within(place), SC.c.year <= up_to)
    )
    year = session.exec(stmt).one()
    return year if isinstance(year, int) else None


def _rate_of(session: Session, place: Place, year: int, kind: str) -> tuple[int, int, Decimal]:
    (_, counts), *_ = rate_counts(session, year=year, place=place, by=None)
    count = counts[kind]
    return count, counts["households"], rate(count, counts["households"]) or Decimal("0.00")


def _pace(gap: Decimal, years: int) -> Decimal:
    return (gap / years).quantize(HUNDREDTH, rounding=ROUND_HALF_UP)


def progress_of(
    session: Session, target: Target, place: Place, *, this_year: int | None = None
) -> dict[str, Any]:
    """The latest actual rate up to the target's year, the gap, and the pace needed.

    Once the target's year is over (in Vietnam's calendar) the target is judged on that
    year's review alone: reached or missed, or no_data when that year has no review; an
    older review says nothing about whether the target was met."""
    this_year = this_year or today_in_vietnam().year
    passed = target.year < this_year
    maximum = from_hundredths(target.max_rate_hundredths)
    row: dict[str, Any] = {
        "target": target_public(target, place),
        "kind": target.kind,
        "max_rate": as_number(maximum),
        "actual_year": None,
        "households": None,
        "count": None,
        "actual_rate": None,
        "gap": None,
        "years_left": 0 if passed else None,
        "yearly_pace_needed": None,
        "baseline_year": None,
        "baseline_rate": None,
        "observed_yearly_pace": None,
        "households_to_exit": None,
        "status": "no_data",
    }
    year = _latest_year(session, place, target.year)
    if year is None:
        return row
    count, households, actual = _rate_of(session, place, year, target.kind)
    gap = actual - maximum
    # Reviews still to come before the target: one a year after the latest one, and at
    # most those from this year on (a review of last year not recorded will not come).
    years_left = 0 if passed else target.year - max(year, this_year - 1)
    allowed = target.max_rate_hundredths * households // 10000
    row.update(
        actual_year=year,
        households=households,
        count=count,
        actual_rate=as_number(actual),
        gap=as_number(gap),
        years_left=years_left,
        households_to_exit=max(0, count - allowed),
    )
    observed = _observed_pace(session, place, target.kind, year, actual, row)
    if passed and year < target.year:
        return row  # no review of the target's year: whether it was met is unknown
    if gap <= 0:
        row["status"] = "reached"
        return row
    if years_left <= 0:
        row["status"] = "missed"
        return row
    needed = _pace(gap, years_left)
    row["yearly_pace_needed"] = as_number(needed)
    row["status"] = "on_track" if observed is not None and observed >= needed else "behind"
    return row


def _observed_pace(
    session: Session, place: Place, kind: str, year: int, actual: Decimal, row: dict[str, Any]
) -> Decimal | None:
    """Points a year the rate fell from the first review to `year` (written into the row)."""
    first = first_year_with_data(session, place)
    if first is None or first >= year:
        return None
    _, _, baseline = _rate_of(session, place, first, kind)
    observed = _pace(baseline - actual, year - first)
    row.update(
        baseline_year=first,
        baseline_rate=as_number(baseline),
        observed_yearly_pace=as_number(observed),
    )
    return observed


def progress_report(
    session: Session, *, place_id: str | None, year: int | None, kind: str | None
) -> dict[str, Any]:
    """Every visible target (of the place's subtree and the places above it), with progress."""
    place = find_place(session, place_id)
    stmt = select(Target)
    if place is not None:
        ancestors = [part for part in place.path.strip("/").split("/") if part]
        stmt = stmt.where(
            Target.place_path.startswith(place.path, autoescape=True)
            | Target.place_id.in_(ancestors)
        )
    if year is not None:
        stmt = stmt.where(Target.year == year)
    if kind is not None:
        stmt = stmt.where(Target.kind == kind)
    targets = list(session.exec(stmt.order_by(Target.year, Target.place_path, Target.kind)))
    places = places_by_id(session, [t.place_id for t in targets])
    this_year = today_in_vietnam().year
    rows = [
        progress_of(session, t, places[t.place_id], this_year=this_year)
        for t in targets
        if t.place_id in places
    ]
    return {"place": place_public(place), "rows": rows}


STATUS_LABELS = {
    "reached": "Đã đạt",
    "on_track": "Đúng tiến độ",
    "behind": "Chậm tiến độ",
    "missed": "Không đạt",
    "no_data": "Chưa có số liệu",
}


def progress_table(report: dict[str, Any]) -> Table:
    rows = []
    for row in report["rows"]:
        target = row["target"]
        rows.append(
            {
                **row,
                "place_name": target["place"]["name"] if target["place"] else "",
                "target_year": target["year"],
                "kind_label": KIND_LABELS[row["kind"]],
                "status_label": STATUS_LABELS[row["status"]],
                "source_note": target["source_note"],
            }
        )
    return Table(
        title="Tiến độ thực hiện chỉ tiêu giảm nghèo",
        filename="tien-do-chi-tieu-giam-ngheo",
        columns=[
            Column("place_name", "Địa bàn", "text"),
            Column("kind_label", "Chỉ tiêu", "text"),
            Column("target_year", "Năm chỉ tiêu"),
            Column("max_rate", "Tỷ lệ tối đa (%)", "rate"),
            Column("actual_year", "Năm số liệu"),
            Column("households", "Tổng số hộ"),
            Column("count", "Số hộ"),
            Column("actual_rate", "Tỷ lệ thực tế (%)", "rate"),
            Column("gap", "Còn cách chỉ tiêu (điểm %)", "rate"),
            Column("years_left", "Số năm còn lại"),
            Column("yearly_pace_needed", "Cần giảm mỗi năm (điểm %)", "rate"),
            Column("observed_yearly_pace", "Đã giảm bình quân mỗi năm (điểm %)", "rate"),
            Column("households_to_exit", "Số hộ cần thoát thêm"),
            Column("status_label", "Đánh giá", "text"),
            Column("source_note", "Nguồn chỉ tiêu", "text"),
        ],
        rows=rows,
        sheet="Tiến độ chỉ tiêu",
    )
