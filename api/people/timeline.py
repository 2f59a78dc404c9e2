"""The person-in-charge source of a household's timeline (api/timeline/service.py)."""

from datetime import UTC, datetime, time
from typing import Any

from sqlmodel import Session, select

from api.models import Assignment, Household


def assignment_entries(session: Session, household: Household) -> list[dict[str, Any]]:
    entries = []
    for a in session.exec(select(Assignment).where(Assignment.household_id == household.id)):
        entries.append(
            {
                "at": datetime.combine(a.start_date, time.min, tzinfo=UTC),
                "kind": "person_in_charge_assigned",
                "assignment_id": a.id,
                "person_id": a.person_id,
                "replaces_id": a.replaces_id,
                "reason": a.reason,
            }
        )
        if a.end_date is not None:
            entries.append(
                {
                    "at": datetime.combine(a.end_date, time.min, tzinfo=UTC),
                    "kind": "person_in_charge_ended",
                    "assignment_id": a.id,
                    "person_id": a.person_id,
                    "reason": a.end_reason,
                }
            )
    return entries
