"""/api/v1/audit: the audit trail, for administrators and auditors."""

from datetime import datetime
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Request, Response
from pydantic import BaseModel, ConfigDict
from sqlmodel import select

from api.core.pagination import PageParams, page_params, paginate
from api.db import SessionDep
from api.deps import AuditReader
from api.households.citizen_id import mask_citizen_id, mask_phone
from api.models import AuditEntry

router = APIRouter(prefix="/audit", tags=["audit"])


class AuditPublic(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    occurred_at: datetime
    actor_kind: str
    actor_id: str | None
    action: str
    entity: str
    entity_id: str
    before: dict[str, Any] | None
    after: dict[str, Any] | None
    purpose: str | None
    request_id: str | None


class AuditPage(BaseModel):
    items: list[AuditPublic]
    next_page_token: str | None
    total: int | None = None


@router.get("", response_model=AuditPage, response_model_exclude_unset=True)
def list_audit(
    request: Request,
    response: Response,
    session: SessionDep,
    principal: AuditReader,
    page: Annotated[PageParams, Depends(page_params)],
    entity: str | None = Query(None, max_length=32),
    entity_id: str | None = Query(None, max_length=32),
    actor_id: str | None = Query(None, max_length=32),
    action: str | None = Query(None, max_length=32),
    since: datetime | None = None,
    until: datetime | None = None,
):
    """Newest first; filter by record (entity, entity_id), actor, action or time."""
    stmt = select(AuditEntry)
    for column, value in (
        (AuditEntry.entity, entity),
        (AuditEntry.entity_id, entity_id),
        (AuditEntry.actor_id, actor_id),
        (AuditEntry.action, action),
    ):
        if value is not None:
            stmt = stmt.where(column == value)
    if since is not None:
        stmt = stmt.where(AuditEntry.occurred_at >= since)
    if until is not None:
        stmt = stmt.where(AuditEntry.occurred_at < until)
    result = paginate(
        session,
        stmt,
        order=[(AuditEntry.id, True)],
        params=page,
        request=request,
        response=response,
    )
    result["items"] = [audit_public(entry) for entry in result["items"]]
    return result


# Snapshots keep what the record held; readers of the trail see these fields masked.
_MASKS = {"citizen_id": mask_citizen_id, "phone": mask_phone}


def _masked(snapshot: dict[str, Any] | None) -> dict[str, Any] | None:
    if snapshot is None:
        return None
    return {
        key: _MASKS[key](value) if key in _MASKS and isinstance(value, str) else value
        for key, value in snapshot.items()
    }


def audit_public(entry: AuditEntry) -> AuditPublic:
    """An audit row as readers see it: citizen IDs and phone numbers masked."""
    public = AuditPublic.model_validate(entry)
    public.before, public.after = _masked(entry.before), _masked(entry.after)
    return public
