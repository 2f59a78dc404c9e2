"""Subject access (Law 91/2025/QH15): everything the register holds on one person."""

from typing import Any

from sqlmodel import Session, select

from api.audit.service import record_audit, snapshot
from api.auth.principal import Principal
from api.errors import NotFound
from api.households.citizen_id import mask_citizen_id
from api.models import (
    Assessment,
    AssessmentStep,
    Assignment,
    AuditEntry,
    Household,
    HouseholdMove,
    Member,
    Need,
    Sponsorship,
    StatusChange,
    Support,
    Visit,
)

# Records of the person's household, in the order the export lists them.
HOUSEHOLD_RECORDS = {
    "moves": HouseholdMove,
    "assessments": Assessment,
    "status_changes": StatusChange,
    "needs": Need,
    "supports": Support,
    "visits": Visit,
    "assignments": Assignment,
    "sponsorships": Sponsorship,
}


def _rows(session: Session, model, *where) -> list[dict[str, Any]]:
    stmt = select(model).where(*where)
    return [snapshot(row) for row in session.exec(stmt.order_by(model.id))]


def export_person(
    session: Session, *, principal: Principal, citizen_id: str, purpose: str
) -> dict[str, Any]:
    """The member row(s) with this citizen ID, their household and its records, and the audit
    entries naming them; the export itself is audited with its purpose."""
    member = session.exec(select(Member).where(Member.citizen_id == citizen_id)).first()
    if member is None:
        raise NotFound("No person with this citizen ID in your places.")
    household = session.exec(select(Household).where(Household.id == member.household_id)).one()
    records: dict[str, Any] = {}
    for name, model in HOUSEHOLD_RECORDS.items():
        records[name] = _rows(session, model, model.household_id == household.id)
    assessment_ids = [a["id"] for a in records["assessments"]]
    records["assessment_steps"] = _rows(
        session, AssessmentStep, AssessmentStep.assessment_id.in_(assessment_ids)
    )
    named = AuditEntry.entity_id.in_([member.id, household.id])
    audit = [
        snapshot(row)
        for row in session.exec(select(AuditEntry).where(named).order_by(AuditEntry.id))
    ]
    others = session.exec(
        select(Member.id).where(Member.household_id == household.id, Member.id != member.id)
    ).all()
    record_audit(
        session,
        principal=principal,
        action="export",
        entity="member",
        entity_id=member.id,
        place_path=household.place_path,
        purpose=purpose,
        after={"citizen_id": mask_citizen_id(citizen_id)},
    )
    return {
        "citizen_id": citizen_id,
        "member": snapshot(member),
        "household": snapshot(household),
        "other_member_ids": list(others),
        **records,
        "audit": audit,
    }
