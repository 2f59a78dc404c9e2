"""Turning household rows into the public shapes (masking included)."""

from sqlalchemy import select
from sqlmodel import Session

from api.audit.service import record_audit
from api.auth.principal import Principal
from api.errors import Forbidden, ValidationFailed
from api.households.citizen_id import mask_citizen_id, mask_phone
from api.households.ethnicities import is_ethnic_minority
from api.households.schemas import HouseholdDetail, HouseholdPublic, MemberPublic
from api.models import Household, HouseholdMove, Member

REVEAL_ROLES = ("admin", "commune_officer")


def _household_data(household: Household, *, reveal: bool) -> dict:
    data = household.model_dump()
    if not reveal:
        data["phone"] = mask_phone(data["phone"])
    data["ethnic_minority"] = is_ethnic_minority(household.ethnicity)
    data["archived"] = household.archived_at is not None
    return data


def household_public(household: Household, *, reveal: bool = False) -> HouseholdPublic:
    return HouseholdPublic.model_validate(_household_data(household, reveal=reveal))


def household_public_row(row) -> HouseholdPublic:
    """The same shape from a plain row of the households table (lists: no ORM objects)."""
    data = row._asdict()
    data["phone"] = mask_phone(data["phone"])
    data["ethnic_minority"] = is_ethnic_minority(data["ethnicity"])
    data["archived"] = data["archived_at"] is not None
    return HouseholdPublic.model_validate(data)


def _member_data(data: dict, *, reveal: bool) -> dict:
    if not reveal:
        data["citizen_id"] = mask_citizen_id(data["citizen_id"])
    return data


def member_public(member: Member, *, reveal: bool = False) -> MemberPublic:
    return MemberPublic.model_validate(_member_data(member.model_dump(), reveal=reveal))


_MEMBERS = Member.__table__
_MOVES = HouseholdMove.__table__


def household_detail(
    session: Session, household: Household, *, reveal: bool = False
) -> HouseholdDetail:
    """The household with all its members and moves. The household itself was read through
    the caller's scope; its members and moves are read as plain rows (no ORM objects)."""
    session.flush()
    conn = session.connection()
    members = conn.execute(
        select(_MEMBERS).where(_MEMBERS.c.household_id == household.id).order_by(_MEMBERS.c.id)
    ).mappings()
    moves = conn.execute(
        select(_MOVES)
        .where(_MOVES.c.household_id == household.id)
        .order_by(_MOVES.c.moved_at, _MOVES.c.id)
    ).mappings()
    data = _household_data(household, reveal=reveal)
    data["members"] = [_member_data(dict(m), reveal=reveal) for m in members]
    data["moves"] = [dict(m) for m in moves]
    return HouseholdDetail.model_validate(data)


def may_reveal(principal: Principal) -> bool:
    """Whether the caller's role works with citizen IDs in clear (and may look one up)."""
    return principal.role in REVEAL_ROLES


def authorize_reveal(
    session: Session,
    *,
    principal: Principal,
    household: Household,
    reveal: bool,
    purpose: str | None,
) -> bool:
    """Unmasked citizen IDs and phone numbers need a role that works with them and a stated
    purpose; every such read is logged (who, which household, why)."""
    if not reveal:
        return False
    if not may_reveal(principal):
        raise Forbidden("Your role may not read unmasked citizen IDs or phone numbers.")
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
        after={"fields": ["citizen_id", "phone"]},
    )
    return True
