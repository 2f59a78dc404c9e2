"/api/v1/persons-data: a person's data on request (subject access, Law 91/2025/QH15)."

from typing import Annotated, Any

from fastapi import APIRouter, Query

from api.dataprotection import service
from api.db import SessionDep
from api.deps import Admin

router = APIRouter(prefix="/persons-data", tags=["data protection"])


@router.get("/export")
def export_person_data(
    session: SessionDep,
    principal: Admin,
    citizen_id: Annotated[str, Query(pattern=r"^[0-9]{12}$", description="12-digit citizen ID")],
    purpose: Annotated[str, Query(min_length=3, max_length=200, description="Why (logged)")],
) -> dict[str, Any]:
    """Everything held on one person, unmasked, as JSON: their member row, their household
    and its assessments, needs, supports, visits, assignments and moves, and the audit
    entries naming them. Administrators only; the export is audited with its purpose.
    Corrections go through the ordinary PATCH endpoints (see docs/data-protection.md)."""
    return service.export_person(
        session, principal=principal, citizen_id=citizen_id, purpose=purpose.strip()
    )
