"""/api/v1/households/{id}/timeline."""

from typing import Any

from fastapi import APIRouter

from api.db import SessionDep
from api.deps import Reader
from api.households.service import get_household_or_raise
from api.timeline.service import household_timeline

router = APIRouter(tags=["households"])


@router.get("/households/{household_id}/timeline")
def read_timeline(household_id: str, session: SessionDep, principal: Reader) -> dict[str, Any]:
    """Status changes with their reasons, reviews, moves and needs, oldest first."""
    household = get_household_or_raise(session, household_id)
    return {
        "household_id": household.id,
        "status": household.status,
        "items": household_timeline(session, household),
    }
