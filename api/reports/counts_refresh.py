"""Keeping the reports' maintained tables (report_status_counts, report_transition_counts,
report_followed_households) true.

The counts of a place are rebuilt whole from its households and their status changes
(api/reports/counts.py) in the transaction that changed them, just before it commits, so a
report read after a commit always includes it and a rollback leaves the counts as they were.
Rebuilding a place (a hamlet: a few hundred households) rather than adding and subtracting
means the counts cannot drift from the records.

What marks a place for rebuilding:
- the ORM unit of work, watched by the listeners below: a household created, deleted, moved,
  archived or restored, or whose ethnicity or registration day changed (its old and new
  place), and any status change written (its household's place);
- code that writes those tables without the unit of work calls `touch_places` (imports) or
  `rebuild_all` (the demo loader, the benchmark's generator, `giamngheo rebuild-report-counts`).

On PostgreSQL a transaction rebuilding a place first takes an advisory lock on it, so two
transactions touching the same hamlet rebuild it one after the other, the second from what
the first committed.
"""

from collections.abc import Iterable
from itertools import chain

from sqlalchemy import delete, event, inspect, select, text
from sqlmodel import Session

from api.core.bulkinsert import any_of, insert_rows
from api.models import (
    Household,
    ReportFollowedHousehold,
    ReportStatusCount,
    ReportTransitionCount,
    StatusChange,
)
from api.reports.counts import (
    ChangeFacts,
    HouseholdFacts,
    followed_rows,
    status_rows,
    transition_rows,
)

PLACES = "report_counts_places"
HOUSEHOLDS = "report_counts_households"
# A household's attributes the counts are keyed or filtered by.
_INPUTS = ("place_id", "ethnicity", "registered_on", "archived_at")
BATCH = 300  # places rebuilt per round of rebuild_all
HH = Household.__table__
SC = StatusChange.__table__
TABLES = (
    ReportStatusCount.__table__,
    ReportTransitionCount.__table__,
    ReportFollowedHousehold.__table__,
)


def touch_places(session: Session, place_ids: Iterable[str]) -> None:
    """Have these places' counts rebuilt before the transaction commits."""
    session.info.setdefault(PLACES, set()).update(place_ids)


def touch_households(session: Session, household_ids: Iterable[str]) -> None:
    """Have the counts of these households' places rebuilt before the transaction commits."""
    session.info.setdefault(HOUSEHOLDS, set()).update(household_ids)


@event.listens_for(Session, "after_flush")
def _collect(session: Session, flush_context) -> None:
    for obj in chain(session.new, session.dirty, session.deleted):
        if isinstance(obj, StatusChange):
            touch_households(session, [obj.household_id])
        elif isinstance(obj, Household):
            touch_places(session, _places_touched(session, obj))


def _places_touched(session: Session, household: Household) -> set[str]:
    if household in session.new or household in session.deleted:
        return {household.place_id}
    state = inspect(household)
    if not any(state.attrs[name].history.has_changes() for name in _INPUTS):
        return set()
    return {household.place_id, *state.attrs.place_id.history.deleted}


@event.listens_for(Session, "before_commit")
def _refresh_before_commit(session: Session) -> None:
    session.flush()  # what is still pending marks its places too
    places = session.info.pop(PLACES, set())
    households = session.info.pop(HOUSEHOLDS, set())
    if places or households:
        refresh(session, places, households)


@event.listens_for(Session, "after_transaction_end")
def _forget(session: Session, transaction) -> None:
    if transaction.parent is None:  # the whole transaction ended: a rollback keeps nothing
        session.info.pop(PLACES, None)
        session.info.pop(HOUSEHOLDS, None)


def refresh(session: Session, place_ids: set[str], household_ids: set[str] = frozenset()):
    """Rebuild the counts of these places and of the places of these households."""
    places = set(place_ids)
    if household_ids:
        ids = sorted(household_ids)
        stmt = select(HH.c.place_id).where(any_of(HH.c.id, ids, session)).distinct()
        places.update(session.execute(stmt.execution_options(unscoped=True)).scalars())
    places.discard(None)
    if not places:
        return
    ordered = sorted(places)
    if session.get_bind().dialect.name == "postgresql":
        for place_id in ordered:  # in one order everywhere: no deadlock between two rebuilds
            session.execute(
                text("SELECT pg_advisory_xact_lock(hashtextextended(:key, 0))"),
                {"key": f"report_counts:{place_id}"},
            )
    for start in range(0, len(ordered), BATCH):
        _rebuild_places(session, ordered[start : start + BATCH])


def rebuild_all(session: Session) -> int:
    """Every count rebuilt from the records (after loads that bypass the unit of work, and
    as a repair); returns the number of places with households. The caller commits."""
    if session.get_bind().dialect.name == "postgresql":
        # Readers keep the old counts until the rebuild commits; writers wait for it.
        session.execute(text(f"LOCK TABLE {', '.join(t.name for t in TABLES)} IN EXCLUSIVE MODE"))
    for table in TABLES:
        session.execute(delete(table))
    places = sorted(session.execute(select(HH.c.place_id).distinct()).scalars())
    for start in range(0, len(places), BATCH):
        _rebuild_places(session, places[start : start + BATCH], clear=False)
    session.info.pop(PLACES, None)
    session.info.pop(HOUSEHOLDS, None)
    return len(places)


def _rebuild_places(session: Session, place_ids: list[str], *, clear: bool = True) -> None:
    households = [
        HouseholdFacts(*row)
        for row in session.execute(
            select(
                HH.c.id,
                HH.c.place_id,
                HH.c.place_path,
                HH.c.commune_id,
                HH.c.ethnicity,
                HH.c.registered_on,
                HH.c.archived_at,
            )
            .where(any_of(HH.c.place_id, place_ids, session))
            .execution_options(unscoped=True)
        )
    ]
    inside = select(HH.c.id).where(any_of(HH.c.place_id, place_ids, session))
    changes = [
        ChangeFacts(*row)
        for row in session.execute(
            select(
                SC.c.household_id,
                SC.c.year,
                SC.c.effective_date,
                SC.c.recognised_at,
                SC.c.id,
                SC.c.new_status,
                SC.c.transition,
                SC.c.without_labour_capacity,
            )
            .where(SC.c.household_id.in_(inside))
            .execution_options(unscoped=True)
        )
    ]
    if clear:
        for table in TABLES:
            session.execute(delete(table).where(any_of(table.c.place_id, place_ids, session)))
    insert_rows(session, TABLES[0], status_rows(households, changes))
    insert_rows(session, TABLES[1], transition_rows(households, changes))
    insert_rows(session, TABLES[2], followed_rows(households, changes))
