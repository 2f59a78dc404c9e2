"""A household's story in order: registration, moves, reviews, status changes, needs.

Each source turns one kind of record into timeline entries; later domains (visits,
supports) add a source to SOURCES rather than changing the others.
"""

from collections.abc import Callable
from datetime import UTC, date, datetime, time
from typing import Any

from sqlmodel import Session, select

from api.models import Assessment, AssessmentStep, Household, HouseholdMove, Need, StatusChange
from api.people.timeline import assignment_entries
from api.visits.timeline import visit_entries

Entry = dict[str, Any]


def _at(value: date | datetime) -> datetime:
    """Dates sort at the start of their day, in UTC, beside datetimes."""
    if isinstance(value, datetime):
        return value
    return datetime.combine(value, time.min, tzinfo=UTC)


def _registered(session: Session, household: Household) -> list[Entry]:
    # The day the household entered the registry, not the day its record was typed in: a
    # register digitised later must still show "registered" before its first reviews.
    return [{"at": _at(household.registered_on), "kind": "registered", "code": household.code}]


def _moves(session: Session, household: Household) -> list[Entry]:
    moves = session.exec(select(HouseholdMove).where(HouseholdMove.household_id == household.id))
    return [
        {
            "at": m.moved_at,
            "kind": "moved",
            "from_place_id": m.from_place_id,
            "to_place_id": m.to_place_id,
            "reason": m.reason,
        }
        for m in moves
    ]


def _review_steps(session: Session, household: Household) -> list[Entry]:
    rows = session.exec(
        select(AssessmentStep, Assessment)
        .join(Assessment, Assessment.id == AssessmentStep.assessment_id)
        .where(Assessment.household_id == household.id)
    )
    return [
        {
            "at": step.occurred_at,
            "kind": "assessment_step",
            "assessment_id": a.id,
            "year": a.year,
            "assessment_kind": a.kind,
            "step": step.step,
            "to_state": step.to_state,
            "actor_id": step.actor_id,
            "details": step.details,
        }
        for step, a in rows
    ]


def _status_changes(session: Session, household: Household) -> list[Entry]:
    # In review order (year, then effective date): changes of two years on one day keep the
    # order of their years, since the timeline's sort keeps each source's order on a tie.
    rows = session.exec(
        select(StatusChange, Assessment)
        .join(Assessment, Assessment.id == StatusChange.assessment_id)
        .where(StatusChange.household_id == household.id)
        .order_by(StatusChange.year, StatusChange.effective_date, StatusChange.recognised_at)
    )
    return [
        {
            "at": _at(change.effective_date),
            "kind": "status_change",
            "year": change.year,
            "assessment_id": change.assessment_id,
            "from": change.previous_status,
            "to": change.new_status,
            "transition": change.transition,
            "standard": a.standard_code,
            "reasons": a.reasons,
            "without_labour_capacity": change.without_labour_capacity,
        }
        for change, a in rows
    ]


def _needs(session: Session, household: Household) -> list[Entry]:
    entries = []
    for need in session.exec(select(Need).where(Need.household_id == household.id)):
        entries.append(
            {
                "at": need.opened_at,
                "kind": "need_opened",
                "need_id": need.id,
                "category": need.category,
                "source": need.source,
            }
        )
        if need.closed_at is not None:
            entries.append(
                {
                    "at": need.closed_at,
                    "kind": f"need_{need.status}",
                    "need_id": need.id,
                    "category": need.category,
                }
            )
    return entries


SOURCES: list[Callable[[Session, Household], list[Entry]]] = [
    _registered,
    _moves,
    _review_steps,
    _status_changes,
    _needs,
    visit_entries,
    assignment_entries,
]


def household_timeline(session: Session, household: Household) -> list[Entry]:
    """Every entry of every source, oldest first."""
    entries = [entry for source in SOURCES for entry in source(session, household)]
    return sorted(entries, key=lambda entry: entry["at"])
