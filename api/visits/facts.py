"""Batched reads of households' visits, shared by the due list and the early warning."""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from sqlalchemy import func, select
from sqlmodel import Session

from api.models import Visit


@dataclass(frozen=True)
class LastVisit:
    visit_id: str
    visited_on: date
    next_visit_on: date | None


def last_visits(session: Session, ids: Sequence[str]) -> dict[str, LastVisit]:
    """Each household's most recent visit (by visit date, then by when it was recorded), in
    one query; unscoped, as the schedule must not depend on who asks."""
    if not ids:
        return {}
    rank = (
        func.row_number()
        .over(
            partition_by=Visit.household_id,
            order_by=(Visit.visited_on.desc(), Visit.created_at.desc(), Visit.id.desc()),
        )
        .label("rank")
    )
    inner = (
        select(Visit.household_id, Visit.id, Visit.visited_on, Visit.next_visit_on, rank)
        .where(Visit.household_id.in_(list(ids)))
        .subquery()
    )
    stmt = select(inner.c.household_id, inner.c.id, inner.c.visited_on, inner.c.next_visit_on)
    rows = session.execute(stmt.where(inner.c.rank == 1).execution_options(unscoped=True))
    return {hid: LastVisit(vid, visited, upcoming) for hid, vid, visited, upcoming in rows}
