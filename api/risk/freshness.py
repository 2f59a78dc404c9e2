"""Keeping the stored due dates and early warnings fresh, in one place.

A household's next due date and risk depend on its status, status changes, visits, needs and
members. Rather than asking every service that writes one of those (reviews, needs, visits,
supports meeting needs, member edits…) to remember a refresh, two session listeners do it:
after each flush, the households whose inputs were written are recomputed in the same
transaction. Their new values are set on the objects at once (so a response's ETag is
already right) and written by the next flush, which every commit performs.

The time-based parts (months since an escape, days overdue) change with the calendar alone:
`refresh_all` in api/risk/service.py runs them daily (`giamngheo refresh-risk`).
"""

from itertools import chain

from sqlalchemy import event, inspect
from sqlmodel import Session

from api.models import Household, Member, Need, StatusChange, Visit
from api.risk.service import refresh_households

STALE = "risk_stale_households"
_INPUTS = (Visit, Need, StatusChange, Member)
_HOUSEHOLD_INPUTS = ("status", "status_since")


def _household_inputs_changed(household: Household) -> bool:
    state = inspect(household)
    return any(state.attrs[name].history.has_changes() for name in _HOUSEHOLD_INPUTS)


@event.listens_for(Session, "after_flush")
def _collect(session: Session, flush_context) -> None:
    stale: set[str] = session.info.setdefault(STALE, set())
    for obj in chain(session.new, session.dirty, session.deleted):
        if isinstance(obj, _INPUTS):
            stale.add(obj.household_id)
        elif (
            isinstance(obj, Household)
            and obj not in session.new  # a new household has no status or history yet
            and _household_inputs_changed(obj)
        ):
            stale.add(obj.id)


@event.listens_for(Session, "after_flush_postexec")
def _refresh(session: Session, flush_context) -> None:
    stale = session.info.pop(STALE, None)
    if stale:
        refresh_households(session, household_ids=stale)
