"""People in charge: registering them, and whether one may act for a household."""

from datetime import date

from sqlalchemy import func
from sqlmodel import Session, select

from api.audit.service import record_audit, snapshot
from api.auth.principal import Principal
from api.auth.service import user_principal
from api.core.etag import bump_version
from api.core.text import fold, nfc
from api.deps import WRITE_ROLES
from api.errors import Conflict, NotFound, ValidationFailed
from api.events.service import append_event
from api.models import Assessment, Assignment, Household, Person, StatusChange, User
from api.models.base import utcnow
from api.people.schemas import PersonCreate, PersonUpdate
from api.places.service import find_visible_place

TEXT_FIELDS = ("full_name", "position", "notes")


def get_person_or_raise(session: Session, person_id: str, *, for_update: bool = False) -> Person:
    """A person the caller may see, else 404."""
    stmt = select(Person).where(Person.id == person_id)
    if for_update:
        stmt = stmt.with_for_update()
    person = session.exec(stmt).first()
    if person is None:
        raise NotFound(f"No person with id {person_id!r}.")
    return person


def person_summary(person: Person) -> dict[str, str]:
    """The few fields a list shows beside a record the person worked on."""
    return {"id": person.id, "full_name": person.full_name, "organisation": person.organisation}


def find_person(session: Session, person_id: str, *, pointer: str) -> Person:
    """A referenced person the caller may see, else a 422 naming the field."""
    person = session.exec(select(Person).where(Person.id == person_id)).first()
    if person is None:
        raise ValidationFailed(f"Unknown person {person_id!r}.", pointer=pointer)
    return person


def find_household(session: Session, household_id: str, *, pointer: str) -> Household:
    """A referenced household the caller may see and that is not archived, else a 4xx."""
    stmt = select(Household).where(Household.id == household_id).with_for_update()
    household = session.exec(stmt).first()
    if household is None:
        raise ValidationFailed(f"Unknown household {household_id!r}.", pointer=pointer)
    if household.archived_at is not None:
        raise Conflict(
            "The household is archived.", errors=[{"pointer": pointer, "detail": "archived"}]
        )
    return household


def existed_since(session: Session, household: Household) -> date:
    """The earliest day the registry knows the household existed: its registration, or an
    earlier recognised status or review year (histories are entered after the fact)."""
    unscoped = {"unscoped": True}
    first_change = session.scalar(
        select(func.min(StatusChange.effective_date))
        .where(StatusChange.household_id == household.id)
        .execution_options(**unscoped)
    )
    first_year = session.scalar(
        select(func.min(Assessment.year))
        .where(Assessment.household_id == household.id)
        .execution_options(**unscoped)
    )
    candidates = [household.registered_on, first_change]
    candidates.append(date(first_year, 1, 1) if first_year else None)
    return min(day for day in candidates if day is not None)


def check_not_before_household(
    session: Session, household: Household, day: date, *, pointer: str
) -> None:
    """Field work (visits, people in charge, sponsorships) cannot begin before the household
    existed in the registry: 422 naming the field."""
    since = existed_since(session, household)
    if day >= since:
        return
    field = pointer.rsplit("/", 1)[-1]
    raise ValidationFailed(
        f"{field} {day.isoformat()} is before the household existed "
        f"(known since {since.isoformat()}).",
        pointer=pointer,
        detail_vi=(
            f"Ngày {day.strftime('%d/%m/%Y')} sớm hơn thời điểm hộ có trong sổ theo dõi "
            f"(từ {since.strftime('%d/%m/%Y')})."
        ),
    )


def check_may_act(session: Session, *, person: Person, household: Household, pointer: str) -> None:
    """A person acts for a household only inside their place and, with a login, their
    user's places and a role that may write."""
    where = f"household {household.code}"
    if not person.is_active:
        raise ValidationFailed(f"{person.full_name} is no longer active.", pointer=pointer)
    if not household.place_path.startswith(person.place_path):
        raise ValidationFailed(
            f"{person.full_name} works in another place and may not act for {where}.",
            pointer=pointer,
        )
    if person.user_id is None:
        return
    user = session.get(User, person.user_id)
    if user is None or not user.is_active or user.role not in WRITE_ROLES:
        raise ValidationFailed(
            f"{person.full_name}'s account may not record work (inactive or read-only).",
            pointer=pointer,
        )
    if not user_principal(session, user=user).covers_path(household.place_path):
        raise ValidationFailed(
            f"{person.full_name}'s account does not cover the place of {where}.", pointer=pointer
        )


def _check_user_free(session: Session, user_id: str, *, except_id: str | None = None) -> None:
    if session.get(User, user_id) is None:
        raise ValidationFailed(f"Unknown user {user_id!r}.", pointer="/user_id")
    stmt = select(Person.id).where(Person.user_id == user_id).execution_options(unscoped=True)
    existing = session.exec(stmt).first()
    if existing is not None and existing != except_id:
        raise Conflict(
            "This user already has a person record.",
            errors=[{"pointer": "/user_id", "detail": f"linked to {existing}"}],
        )


def create_person(session: Session, *, principal: Principal, data: PersonCreate) -> Person:
    """Register someone who can be in charge of households, in a place the caller covers."""
    place = find_visible_place(session, data.place_id, pointer="/place_id")
    if not principal.covers_path(place.path):
        raise ValidationFailed(f"Unknown place {data.place_id!r}.", pointer="/place_id")
    if data.user_id:
        _check_user_free(session, data.user_id)
    values = data.model_dump()
    for key in TEXT_FIELDS:
        values[key] = nfc(values[key])
    person = Person(**values, name_search=fold(values["full_name"]), place_path=place.path)
    session.add(person)
    session.flush()
    record_audit(
        session,
        principal=principal,
        action="create",
        entity="person",
        entity_id=person.id,
        after=snapshot(person),
        place_path=person.place_path,
    )
    append_event(
        session,
        type="person.created",
        entity_id=person.id,
        place_path=person.place_path,
        data={"person_id": person.id, "organisation": person.organisation},
    )
    return person


def update_person(
    session: Session, *, principal: Principal, person: Person, data: PersonUpdate
) -> Person:
    """Edit a person; one still in charge of households cannot be made inactive."""
    before = snapshot(person)
    changes = data.model_dump(exclude_unset=True)
    for name in ("full_name", "organisation", "party_member", "is_active"):
        if name in changes and changes[name] is None:
            raise ValidationFailed(f"{name} cannot be null.", pointer=f"/{name}")
    if changes.get("is_active") is False and person.is_active:
        stmt = select(Assignment.id).where(
            Assignment.person_id == person.id, Assignment.end_date.is_(None)
        )
        in_charge = list(session.exec(stmt.execution_options(unscoped=True)))
        if in_charge:
            raise Conflict(
                f"{person.full_name} is still in charge of {len(in_charge)} household(s); "
                "hand them over first.",
                errors=[{"pointer": "/is_active", "detail": "still in charge of households"}],
            )
    for key, value in changes.items():
        setattr(person, key, nfc(value) if key in TEXT_FIELDS else value)
    if before == snapshot(person):
        return person
    person.name_search = fold(person.full_name)
    person.updated_at = utcnow()
    bump_version(person)
    session.flush()
    record_audit(
        session,
        principal=principal,
        action="update",
        entity="person",
        entity_id=person.id,
        before=before,
        after=snapshot(person),
        place_path=person.place_path,
    )
    append_event(
        session,
        type="person.updated",
        entity_id=person.id,
        place_path=person.place_path,
        data={"person_id": person.id, "changed": sorted(changes)},
    )
    return person
