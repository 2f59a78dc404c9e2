"""Rules of the household registry: create, edit, move, archive; members."""

from collections.abc import Iterable

from sqlalchemy import func
from sqlmodel import Session, select

from api.audit.service import record_audit, snapshot
from api.auth.principal import Principal
from api.core.dates import today_in_vietnam
from api.core.etag import bump_version
from api.core.text import fold, nfc
from api.errors import Conflict, Forbidden, NotFound, ValidationFailed
from api.events.service import append_event
from api.households.citizen_id import citizen_id_problem, mask_citizen_id, mask_phone
from api.households.history import carry_place_path
from api.households.schemas import (
    HouseholdCreate,
    HouseholdUpdate,
    MemberCreate,
    MemberFields,
    MemberUpdate,
)
from api.models import Household, HouseholdMove, Member, Place
from api.models.base import new_id, utcnow
from api.models.places import HOUSEHOLD_LEVELS
from api.places.service import commune_of, find_visible_place, is_valid_on

MEMBER_MASK = {"citizen_id": mask_citizen_id}
TEXT_FIELDS = ("head_name", "address", "notes")


def get_household_or_raise(
    session: Session, household_id: str, *, for_update: bool = False
) -> Household:
    """A household the caller may see, else 404."""
    stmt = select(Household).where(Household.id == household_id)
    if for_update:
        stmt = stmt.with_for_update()
    household = session.exec(stmt).first()
    if household is None:
        raise NotFound(f"No household with id {household_id!r}.")
    return household


def current_members(session: Session, household_id: str) -> list[Member]:
    stmt = select(Member).where(Member.household_id == household_id, Member.left_on.is_(None))
    return list(session.exec(stmt.order_by(Member.id)))


def all_members(session: Session, household_id: str) -> list[Member]:
    stmt = select(Member).where(Member.household_id == household_id)
    return list(session.exec(stmt.order_by(Member.id)))


def moves_of(session: Session, household_id: str) -> list[HouseholdMove]:
    stmt = select(HouseholdMove).where(HouseholdMove.household_id == household_id)
    return list(session.exec(stmt.order_by(HouseholdMove.moved_at, HouseholdMove.id)))


def _search_text(household: Household, members: Iterable[Member]) -> str:
    names = [household.code, household.head_name, *(m.full_name for m in members)]
    return fold(" ".join(name for name in names if name))


def _household_place(session: Session, principal: Principal, place_id: str) -> Place:
    """The hamlet or commune a household lives in: visible, covered, current, low enough."""
    place = find_visible_place(session, place_id, pointer="/place_id")
    if not principal.covers_path(place.path):
        raise ValidationFailed(f"Unknown place {place_id!r}.", pointer="/place_id")
    if place.level not in HOUSEHOLD_LEVELS:
        raise ValidationFailed(
            "A household lives in a commune, ward, town, hamlet or quarter.", pointer="/place_id"
        )
    if not is_valid_on(place, today_in_vietnam()):
        raise ValidationFailed(
            f"{place.name} no longer exists (valid until {place.valid_to}).", pointer="/place_id"
        )
    return place


def _check_code_free(
    session: Session, *, commune_id: str, code: str, except_id: str | None = None
) -> None:
    """Codes are compared without case or surrounding spaces: "ha-05" is "HA-05" on paper."""
    stmt = select(Household.id).where(
        Household.commune_id == commune_id,
        func.lower(func.trim(Household.code)) == code.strip().lower(),
    )
    taken = session.exec(stmt.execution_options(unscoped=True)).all()
    if any(existing != except_id for existing in taken):
        raise Conflict(
            f"Household code {code!r} is already used in this commune.",
            detail_vi=f"Mã hộ {code!r} đã được dùng trong xã này.",
            errors=[{"pointer": "/code", "detail": "already used in this commune"}],
        )


def _check_citizen_ids_free(
    session: Session, ids: dict[str, str], *, except_member_id: str | None = None
) -> None:
    """ids maps a JSON pointer to a citizen ID; each must not belong to another person."""
    if not ids:
        return
    stmt = select(Member.id, Member.citizen_id).where(Member.citizen_id.in_(list(ids.values())))
    taken = {cid: mid for mid, cid in session.exec(stmt.execution_options(unscoped=True))}
    errors = [
        {"pointer": pointer, "detail": "this citizen ID is already registered to another person"}
        for pointer, cid in ids.items()
        if cid in taken and taken[cid] != except_member_id
    ]
    if errors:
        raise Conflict("A citizen ID is already registered to another person.", errors=errors)


def _new_member(household_id: str, data: MemberFields) -> Member:
    values = data.model_dump()
    values["full_name"] = nfc(values["full_name"])
    return Member(household_id=household_id, **values)


def _refresh_search_text(session: Session, household: Household) -> None:
    household.search_text = _search_text(household, current_members(session, household.id))


def create_household(session: Session, *, principal: Principal, data: HouseholdCreate) -> Household:
    """Register a household, with its members, in a place the caller covers."""
    place = _household_place(session, principal, data.place_id)
    commune = commune_of(session, place)
    if commune is None:
        raise ValidationFailed("The place is not inside a commune.", pointer="/place_id")
    _check_code_free(session, commune_id=commune.id, code=data.code)
    _check_citizen_ids_free(
        session,
        {
            f"/members/{i}/citizen_id": m.citizen_id
            for i, m in enumerate(data.members)
            if m.citizen_id
        },
    )
    values = data.model_dump(exclude={"members"})
    for key in TEXT_FIELDS:
        values[key] = nfc(values[key])
    household = Household(id=new_id("hh"), commune_id=commune.id, place_path=place.path, **values)
    members = [_new_member(household.id, member) for member in data.members]
    household.search_text = _search_text(household, members)
    session.add(household)
    session.flush()  # the household row must exist before its members reference it
    session.add_all(members)
    session.flush()
    record_audit(
        session,
        principal=principal,
        action="create",
        entity="household",
        entity_id=household.id,
        after=snapshot(household),
        place_path=household.place_path,
    )
    for member in members:
        _audit_member(session, principal, household, "create", None, member)
    append_event(
        session,
        type="household.created",
        entity_id=household.id,
        place_path=household.place_path,
        data={"household_id": household.id, "code": household.code, "commune_id": commune.id},
    )
    return household


def update_household(
    session: Session, *, principal: Principal, household: Household, data: HouseholdUpdate
) -> Household:
    """Edit fields; a new place_id moves the household and keeps the move in its history."""
    if household.archived_at is not None:
        raise Conflict("The household is archived; restore it before editing.")
    before = snapshot(household)
    changes = data.model_dump(exclude_unset=True)
    if "*" in (changes.get("phone") or ""):
        if changes["phone"] != mask_phone(household.phone):
            raise ValidationFailed("Send a whole phone number.", pointer="/phone")
        del changes["phone"]  # the masked number read back: unchanged
    move_reason = changes.pop("move_reason", None)
    new_place_id = changes.pop("place_id", None)
    with session.no_autoflush:  # a check's query must not flush a move whose code is not set yet
        if new_place_id and new_place_id != household.place_id:
            _move(session, principal, household, new_place_id, move_reason, changes.get("code"))
        if "code" in changes and changes["code"] != household.code:
            _check_code_free(
                session,
                commune_id=household.commune_id,
                code=changes["code"],
                except_id=household.id,
            )
    for key, value in changes.items():
        setattr(household, key, nfc(value) if key in TEXT_FIELDS else value)
    if before == snapshot(household):
        return household  # nothing changed: no new version, no audit noise
    _refresh_search_text(session, household)
    household.updated_at = utcnow()
    bump_version(household)
    session.flush()
    record_audit(
        session,
        principal=principal,
        action="update",
        entity="household",
        entity_id=household.id,
        before=before,
        after=snapshot(household),
        place_path=household.place_path,
    )
    changed = sorted(k for k, v in snapshot(household).items() if before.get(k) != v)
    append_event(
        session,
        type="household.updated",
        entity_id=household.id,
        place_path=household.place_path,
        data={"household_id": household.id, "changed": changed},
    )
    return household


def _move(
    session: Session,
    principal: Principal,
    household: Household,
    place_id: str,
    reason: str | None,
    new_code: str | None,
) -> None:
    place = _household_place(session, principal, place_id)
    commune = commune_of(session, place)
    if commune is None:
        raise ValidationFailed("The place is not inside a commune.", pointer="/place_id")
    if commune.id != household.commune_id:
        _check_code_free(
            session,
            commune_id=commune.id,
            code=new_code or household.code,
            except_id=household.id,
        )
    session.add(
        HouseholdMove(
            household_id=household.id,
            from_place_id=household.place_id,
            to_place_id=place.id,
            reason=reason,
            actor_id=principal.id,
        )
    )
    household.place_id = place.id
    household.place_path = place.path
    household.commune_id = commune.id
    carry_place_path(session, household.id, place.path)  # its history moves with it


def archive_household(
    session: Session, *, principal: Principal, household: Household, reason: str | None
) -> Household:
    """Archive instead of deleting: the record and its history stay for reports and audit."""
    if household.archived_at is not None:
        return household
    before = snapshot(household)
    household.archived_at = utcnow()
    household.archived_reason = reason
    household.updated_at = household.archived_at
    bump_version(household)
    session.flush()
    record_audit(
        session,
        principal=principal,
        action="archive",
        entity="household",
        entity_id=household.id,
        before=before,
        after=snapshot(household),
        place_path=household.place_path,
    )
    append_event(
        session,
        type="household.archived",
        entity_id=household.id,
        place_path=household.place_path,
        data={"household_id": household.id},
    )
    return household


def restore_household(session: Session, *, principal: Principal, household: Household) -> Household:
    """Undo an archive."""
    if household.archived_at is None:
        return household
    before = snapshot(household)
    household.archived_at = None
    household.archived_reason = None
    household.updated_at = utcnow()
    bump_version(household)
    session.flush()
    record_audit(
        session,
        principal=principal,
        action="restore",
        entity="household",
        entity_id=household.id,
        before=before,
        after=snapshot(household),
        place_path=household.place_path,
    )
    # Mirrors saw household.archived: without this they would keep it archived forever.
    append_event(
        session,
        type="household.restored",
        entity_id=household.id,
        place_path=household.place_path,
        data={"household_id": household.id},
    )
    return household


def _audit_member(session, principal, household, action, before, member) -> None:
    record_audit(
        session,
        principal=principal,
        action=action,
        entity="member",
        entity_id=member.id,
        before=before,
        after=snapshot(member, mask=MEMBER_MASK),
        place_path=household.place_path,
    )


def _writable(principal: Principal, household: Household) -> None:
    if household.archived_at is not None:
        raise Conflict("The household is archived; restore it before editing.")
    if not principal.covers_path(household.place_path):
        raise Forbidden("The household is outside your places.")


def add_member(
    session: Session, *, principal: Principal, household: Household, data: MemberCreate
) -> Member:
    """Add a person to a household."""
    _writable(principal, household)
    if data.relation == "head":
        _check_no_other_head(session, household, pointer="/relation")
    if data.citizen_id:
        _check_citizen_ids_free(session, {"/citizen_id": data.citizen_id})
    member = _new_member(household.id, data)
    session.add(member)
    session.flush()
    _after_member_change(session, principal, household, "create", None, member)
    return member


def get_member_or_raise(
    session: Session, household: Household, member_id: str, *, for_update: bool = False
) -> Member:
    stmt = select(Member).where(Member.id == member_id, Member.household_id == household.id)
    if for_update:
        stmt = stmt.with_for_update()
    member = session.exec(stmt).first()
    if member is None:
        raise NotFound(f"No member {member_id!r} in this household.")
    return member


def update_member(
    session: Session,
    *,
    principal: Principal,
    household: Household,
    member: Member,
    data: MemberUpdate,
) -> Member:
    """Edit a member; left_on with left_reason records that the person left the household."""
    _writable(principal, household)
    before = snapshot(member, mask=MEMBER_MASK)
    changes = data.model_dump(exclude_unset=True)
    for name in ("full_name", "gender", "birth_year", "relation"):
        if name in changes and changes[name] is None:
            raise ValidationFailed(f"{name} cannot be null.", pointer=f"/{name}")
    merged = {**member.model_dump(), **changes}
    _check_left_on(merged, changes)
    if merged["citizen_id"] is not None:  # "" is no citizen ID either
        problem = citizen_id_problem(
            merged["citizen_id"], birth_year=merged["birth_year"], gender=merged["gender"]
        )
        if problem:
            raise ValidationFailed(problem, pointer="/citizen_id")
        if changes.get("citizen_id"):
            _check_citizen_ids_free(
                session, {"/citizen_id": changes["citizen_id"]}, except_member_id=member.id
            )
    if _becomes_current_head(merged, changes):
        pointer = "/left_on" if member.relation == "head" else "/relation"
        _check_no_other_head(session, household, pointer=pointer, except_id=member.id)
    for key, value in changes.items():
        setattr(member, key, nfc(value) if key == "full_name" else value)
    member.updated_at = utcnow()
    bump_version(member)
    session.flush()
    _after_member_change(session, principal, household, "update", before, member)
    return member


def _check_left_on(merged: dict, changes: dict) -> None:
    """A member leaves after being born and not after today."""
    left_on = merged["left_on"]
    if left_on is None:
        return
    if left_on > today_in_vietnam():
        raise ValidationFailed(
            "left_on is in the future.",
            pointer="/left_on",
            detail_vi="Ngày rời hộ ở tương lai.",
        )
    if left_on.year < merged["birth_year"]:
        pointer = "/left_on" if "left_on" in changes else "/birth_year"
        raise ValidationFailed(
            f"left_on ({left_on}) is before the member's birth year ({merged['birth_year']}).",
            pointer=pointer,
            detail_vi=f"Ngày rời hộ ({left_on}) trước năm sinh ({merged['birth_year']}).",
        )


def _becomes_current_head(merged: dict, changes: dict) -> bool:
    """Made head, or back in the household as head (left_on cleared): one head at most."""
    is_current_head = merged["relation"] == "head" and merged["left_on"] is None
    return is_current_head and ("relation" in changes or "left_on" in changes)


def _check_no_other_head(
    session: Session, household: Household, *, pointer: str, except_id: str | None = None
) -> None:
    """A household has at most one current member with relation head."""
    heads = [
        m.id
        for m in current_members(session, household.id)
        if m.relation == "head" and m.id != except_id
    ]
    if heads:
        raise Conflict(
            f"The household already has a head (member {heads[0]}); mark them as left or "
            "change their relation first.",
            detail_vi=f"Hộ đã có chủ hộ (thành viên {heads[0]}); hãy ghi nhận người đó đã rời "
            "hộ hoặc đổi quan hệ trước.",
            errors=[{"pointer": pointer, "detail": "the household already has a head"}],
            conflicting_member_id=heads[0],
        )


def _after_member_change(session, principal, household, action, before, member) -> None:
    _refresh_search_text(session, household)
    household.updated_at = utcnow()
    bump_version(household)  # the household's representation lists its members
    session.flush()
    _audit_member(session, principal, household, action, before, member)
    append_event(
        session,
        type="household.updated",
        entity_id=household.id,
        place_path=household.place_path,
        data={"household_id": household.id, "changed": ["members"], "member_id": member.id},
    )
