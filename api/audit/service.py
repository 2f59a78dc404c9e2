"""Appending to the audit trail, in the caller's transaction."""

from datetime import date, datetime
from typing import Any

from sqlmodel import Session

from api.auth.principal import Principal
from api.core.bulkinsert import insert_rows
from api.core.context import request_id_var
from api.models import AuditEntry
from api.models.base import utcnow

# Never copied into the audit trail.
_SECRET_FIELDS = frozenset(
    {"password_hash", "token_hash", "key_hash", "search_text", "secret", "previous_secret"}
)


def snapshot(record: Any, *, mask: dict[str, Any] | None = None) -> dict[str, Any]:
    """A JSON-safe copy of a row's columns, secrets left out, masked fields replaced."""
    data = {}
    for key, value in record.model_dump().items():
        if key in _SECRET_FIELDS:
            continue
        if isinstance(value, date | datetime):
            value = value.isoformat()
        data[key] = value
    for key, masker in (mask or {}).items():
        if data.get(key) is not None:
            data[key] = masker(data[key])
    return data


def record_audit(
    session: Session,
    *,
    principal: Principal,
    action: str,
    entity: str,
    entity_id: str,
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
    place_path: str | None = None,
    purpose: str | None = None,
) -> None:
    """Append one audit row; it commits or rolls back with the change it describes."""
    session.add(
        AuditEntry(
            actor_kind=principal.kind,
            actor_id=principal.id,
            action=action,
            entity=entity,
            entity_id=entity_id,
            before=before,
            after=after,
            place_path=place_path,
            purpose=purpose,
            request_id=request_id_var.get(),
        )
    )


def record_audits(session: Session, *, principal: Principal, entries: list[dict[str, Any]]) -> None:
    """Many audit rows in one batched INSERT (bulk writes); entries take record_audit's keys."""
    if not entries:
        return
    now = utcnow()
    request_id = request_id_var.get()
    rows = [
        {
            "occurred_at": now,
            "actor_kind": principal.kind,
            "actor_id": principal.id,
            "action": e["action"],
            "entity": e["entity"],
            "entity_id": e["entity_id"],
            "before": e.get("before"),
            "after": e.get("after"),
            "place_path": e.get("place_path"),
            "purpose": e.get("purpose"),
            "request_id": request_id,
        }
        for e in entries
    ]
    insert_rows(session, AuditEntry.__table__, rows)
