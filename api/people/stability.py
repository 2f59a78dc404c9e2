"""Stability of the people in charge, by place (founding letter point 5: limit changes)."""

from collections import Counter
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

from sqlalchemy import false
from sqlmodel import Session, select

from api.core.dates import today_in_vietnam
from api.models import Assignment, Household, Place


def _ratio(changes: int, households: int) -> float:
    if not households:
        return 0.0
    exact = Decimal(changes) / Decimal(households)
    return float(exact.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP))


def _row(key, label, followed, without, assigned, changes) -> dict:
    return {
        "key": key,
        "label": label,
        "households_followed": followed,
        "without_person_in_charge": without,
        "assigned_households": assigned,
        "changes": changes,
        "changes_per_household": _ratio(changes, assigned),
    }


def stability_report(
    session: Session, *, year: int, place_id: str | None, by: str, today: date | None = None
) -> dict:
    """Per commune (or per place households live in): followed households with nobody in
    charge, and changes of the person in charge in the year per household that had one.

    A change is any assignment that starts in the year after an earlier one of the same
    household, whether it took over directly or came after a gap with nobody in charge."""
    today = today or today_in_vietnam()
    first, last = date(year, 1, 1), date(year, 12, 31)
    as_of = min(last, today)
    group = Household.commune_id if by == "commune" else Household.place_id
    stmt = select(Household.id, group, Household.next_visit_due_on).where(
        Household.archived_at.is_(None)
    )
    if place_id is not None:
        path = session.exec(select(Place.path).where(Place.id == place_id)).first()
        stmt = stmt.where(
            Household.place_path.startswith(path, autoescape=True) if path else false()
        )
    households = {hid: (key, due) for hid, key, due in session.exec(stmt)}
    stmt = select(Assignment.household_id, Assignment.start_date, Assignment.end_date)
    rows = session.exec(stmt.where(Assignment.start_date <= last))
    in_force, assigned, seen, changes = set(), set(), set(), Counter()
    for hid, start, end in sorted(rows, key=lambda row: (row[0], row[1])):
        if hid not in households or start == end:
            # Ended on its start day: never in force (an entry made by mistake and cancelled),
            # so neither a person in charge nor a change.
            continue
        if start <= as_of and (end is None or as_of < end):
            in_force.add(hid)
        if end is None or end > first:
            assigned.add(hid)
        if hid in seen and start >= first:
            changes[households[hid][0]] += 1
        seen.add(hid)
    followed, without, assigned_by = Counter(), Counter(), Counter()
    for hid, (key, due) in households.items():
        if due is not None:
            followed[key] += 1
            without[key] += hid not in in_force
        assigned_by[key] += hid in assigned
    keys = {key for key, _ in households.values()}
    stmt = select(Place.id, Place.name).where(Place.id.in_(sorted(keys)))
    names = dict(session.exec(stmt).all())
    rows = [
        _row(key, names.get(key, key), followed[key], without[key], assigned_by[key], changes[key])
        for key in keys
    ]
    rows.sort(key=lambda row: (row["label"], row["key"]))
    total = _row(
        None,
        "Tổng cộng / Total",
        sum(followed.values()),
        sum(without.values()),
        sum(assigned_by.values()),
        sum(changes.values()),
    )
    return {"year": year, "as_of": as_of, "by": by, "rows": rows, "total": total}
