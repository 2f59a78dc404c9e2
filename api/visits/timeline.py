"""The visits source of a household's timeline (api/timeline/service.py)."""

from datetime import UTC, datetime, time
from typing import Any

from sqlmodel import Session, select

from api.models import Household, Visit


def visit_entries(session: Session, household: Household) -> list[dict[str, Any]]:
    visits = session.exec(select(Visit).where(Visit.household_id == household.id))
    return [
        {
            "at": datetime.combine(visit.visited_on, time.min, tzinfo=UTC),
            "kind": "visit",
            "visit_id": visit.id,
            "visitor_id": visit.visitor_id,
            "purpose": visit.purpose,
            "shocks": visit.shocks,
            "risk_rating": visit.risk_rating,
            "next_visit_on": visit.next_visit_on,
        }
        for visit in visits
    ]
