"""Needs an officer opens by hand, and closing them (met or cancelled)."""

from sqlmodel import Session, select

from api.audit.service import record_audit, snapshot
from api.auth.principal import Principal
from api.core.etag import bump_version
from api.errors import Conflict, NotFound, ValidationFailed
from api.events.service import append_event
from api.models import Household, Need
from api.models.base import utcnow
from api.needs.schemas import NeedCreate, NeedUpdate


def get_need_or_raise(session: Session, need_id: str, *, for_update: bool = False) -> Need:
    stmt = select(Need).where(Need.id == need_id)
    if for_update:
        stmt = stmt.with_for_update()
    need = session.exec(stmt).first()
    if need is None:
        raise NotFound(f"No need with id {need_id!r}.")
    return need


def open_need(session: Session, *, principal: Principal, data: NeedCreate) -> Need:
    """An officer records a need found on a visit or reported by the household."""
    household = session.exec(select(Household).where(Household.id == data.household_id)).first()
    if household is None:
        raise ValidationFailed(f"Unknown household {data.household_id!r}.", pointer="/household_id")
    if household.archived_at is not None:  # as for members and assessments: restore it first
        raise Conflict(
            "The household is archived; restore it before opening a need.",
            detail_vi="Hộ đã được lưu trữ; hãy khôi phục hộ trước khi ghi nhận nhu cầu.",
            errors=[{"pointer": "/household_id", "detail": "archived"}],
        )
    need = Need(
        household_id=household.id,
        place_path=household.place_path,
        category=data.category,
        source="officer",
        description=data.description,
        created_by=principal.id,
    )
    session.add(need)
    session.flush()
    record_audit(
        session,
        principal=principal,
        action="create",
        entity="need",
        entity_id=need.id,
        after=snapshot(need),
        place_path=need.place_path,
    )
    append_event(
        session,
        type="need.opened",
        entity_id=need.id,
        place_path=need.place_path,
        data={"need_id": need.id, "household_id": household.id, "category": need.category},
    )
    return need


def update_need(session: Session, *, principal: Principal, need: Need, data: NeedUpdate) -> Need:
    """Edit the description, or close the need (met or cancelled, with a reason)."""
    before = snapshot(need)
    changes = data.model_dump(exclude_unset=True)
    new_status = changes.get("status")
    if new_status and new_status != need.status:
        if need.status != "open":
            raise Conflict(
                f"The need is already {need.status}.",
                errors=[{"pointer": "/status", "detail": f"already {need.status}"}],
            )
        if new_status == "cancelled" and not changes.get("closed_reason"):
            raise ValidationFailed("Say why the need is cancelled.", pointer="/closed_reason")
        need.status = new_status
        need.closed_at = utcnow()
    if "description" in changes:
        need.description = changes["description"]
    if "closed_reason" in changes:
        need.closed_reason = changes["closed_reason"]
    need.updated_at = utcnow()
    bump_version(need)
    session.flush()
    record_audit(
        session,
        principal=principal,
        action="update",
        entity="need",
        entity_id=need.id,
        before=before,
        after=snapshot(need),
        place_path=need.place_path,
    )
    if new_status in ("met", "cancelled") and before["status"] == "open":
        append_event(
            session,
            type=f"need.{new_status}",
            entity_id=need.id,
            place_path=need.place_path,
            data={"need_id": need.id, "household_id": need.household_id, "category": need.category},
        )
    return need


def close_need(
    session: Session,
    *,
    principal: Principal,
    need: Need,
    status: str,
    reason: str | None = None,
    support_id: str | None = None,
) -> None:
    """Close an open need as met (by a support) or cancelled (with a reason), with its audit
    row and its event: the one way the system itself closes a need."""
    need.status = status
    need.closed_at = need.updated_at = utcnow()
    after: dict[str, str] = {"status": status}
    if reason is not None:
        need.closed_reason = after["closed_reason"] = reason
    if support_id is not None:
        need.met_by_support_id = after["met_by_support_id"] = support_id
    bump_version(need)
    record_audit(
        session,
        principal=principal,
        action="update",
        entity="need",
        entity_id=need.id,
        before={"status": "open"},
        after=after,
        place_path=need.place_path,
    )
    data = {"need_id": need.id, "household_id": need.household_id, "category": need.category}
    append_event(
        session,
        type=f"need.{status}",
        entity_id=need.id,
        place_path=need.place_path,
        data=data | ({"support_id": support_id} if support_id is not None else {}),
    )
