"""Turning household rows into the public shapes (masking included)."""

from sqlmodel import Session

from api.audit.service import record_audit
from api.auth.principal import Principal
from api.errors import Forbidden, ValidationFailed
from api.households import service
from api.households.citizen_id import mask_citizen_id
from api.households.ethnicities import is_ethnic_minority
from api.households.schemas import HouseholdDetail, HouseholdPublic, MemberPublic
from api.models import Household, Member

REVEAL_ROLES = ("admin", "commune_officer")


def household_public(household: Household) -> HouseholdPublic:
    return HouseholdPublic.model_validate(
        {
            **household.model_dump(),
            "ethnic_minority": is_ethnic_minority(household.ethnicity),
            "archived": household.archived_at is not None,
        }
    )


def member_public(member: Member, *, reveal: bool = False) -> MemberPublic:
    data = member.model_dump()
    if not reveal:
        data["citizen_id"] = mask_citizen_id(data["citizen_id"])
    return MemberPublic.model_validate(data)


def household_detail(
    session: Session, household: Household, *, reveal: bool = False
) -> HouseholdDetail:
    members = service.all_members(session, household.id)
    return HouseholdDetail(
        **household_public(household).model_dump(),
        members=[member_public(m, reveal=reveal) for m in members],
        moves=service.moves_of(session, household.id),
    )


def authorize_reveal(
    session: Session,
    *,
    principal: Principal,
    household: Household,
    reveal: bool,
    purpose: str | None,
) -> bool:
    """Unmasked citizen IDs need a role that works with them and a stated purpose; logged."""
    if not reveal:
        return False
    if principal.role not in REVEAL_ROLES:
        raise Forbidden("Your role may not read unmasked citizen IDs.")
    if not purpose or not purpose.strip():
        raise ValidationFailed(
            "Say why you need the unmasked citizen IDs (purpose).", pointer="/purpose"
        )
    record_audit(
        session,
        principal=principal,
        action="reveal",
        entity="household",
        entity_id=household.id,
        place_path=household.place_path,
        purpose=purpose.strip(),
        after={"fields": ["citizen_id"]},
    )
    return True
