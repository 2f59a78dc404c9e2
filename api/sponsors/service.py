"""Sponsors and sponsorships: "several well-off households help one household", "each mass
organisation helps some households" (founding letter, point 2); when they may run is
api/sponsors/periods.py."""

from sqlmodel import Session, select

from api.audit.service import record_audit, snapshot
from api.auth.principal import Principal
from api.core.dates import today_in_vietnam
from api.core.etag import bump_version
from api.core.text import fold, nfc
from api.errors import Conflict, NotFound, ValidationFailed
from api.events.service import append_event
from api.models import Household, Sponsor, Sponsorship, SponsorshipPledge
from api.models.base import utcnow
from api.people.service import find_household
from api.places.service import find_visible_place
from api.sponsors import periods
from api.sponsors.schemas import (
    PledgeCreate,
    SponsorCreate,
    SponsorshipCreate,
    SponsorshipUpdate,
    SponsorUpdate,
)

TEXT_FIELDS = ("name", "representative", "address", "notes")


def get_sponsor_or_raise(session: Session, sponsor_id: str, *, for_update: bool = False) -> Sponsor:
    """A sponsor the caller may see, else 404."""
    stmt = select(Sponsor).where(Sponsor.id == sponsor_id)
    sponsor = session.exec(stmt.with_for_update() if for_update else stmt).first()
    if sponsor is None:
        raise NotFound(f"No sponsor with id {sponsor_id!r}.")
    return sponsor


def get_sponsorship_or_raise(
    session: Session, sponsorship_id: str, *, for_update: bool = False
) -> Sponsorship:
    """A sponsorship the caller may see, else 404."""
    stmt = select(Sponsorship).where(Sponsorship.id == sponsorship_id)
    sponsorship = session.exec(stmt.with_for_update() if for_update else stmt).first()
    if sponsorship is None:
        raise NotFound(f"No sponsorship with id {sponsorship_id!r}.")
    return sponsorship


def _audit(session, principal, action, entity, record, before=None) -> None:
    record_audit(
        session,
        principal=principal,
        action=action,
        entity=entity,
        entity_id=record.id,
        before=before,
        after=snapshot(record),
        place_path=record.place_path,
    )


def create_sponsor(session: Session, *, principal: Principal, data: SponsorCreate) -> Sponsor:
    """Register a sponsor in a place the caller covers."""
    place = find_visible_place(session, data.place_id, pointer="/place_id")
    if not principal.covers_path(place.path):
        raise ValidationFailed(f"Unknown place {data.place_id!r}.", pointer="/place_id")
    values = data.model_dump()
    for key in TEXT_FIELDS:
        values[key] = nfc(values[key])
    sponsor = Sponsor(**values, name_search=fold(values["name"]), place_path=place.path)
    session.add(sponsor)
    session.flush()
    _audit(session, principal, "create", "sponsor", sponsor)
    append_event(
        session,
        type="sponsor.created",
        entity_id=sponsor.id,
        place_path=sponsor.place_path,
        data={"sponsor_id": sponsor.id, "kind": sponsor.kind},
    )
    return sponsor


def update_sponsor(
    session: Session, *, principal: Principal, sponsor: Sponsor, data: SponsorUpdate
) -> Sponsor:
    """Edit a sponsor's details, or mark it inactive."""
    before = snapshot(sponsor)
    changes = data.model_dump(exclude_unset=True)
    for name in ("name", "is_active"):
        if name in changes and changes[name] is None:
            raise ValidationFailed(f"{name} cannot be null.", pointer=f"/{name}")
    for key, value in changes.items():
        setattr(sponsor, key, nfc(value) if key in TEXT_FIELDS else value)
    if before == snapshot(sponsor):
        return sponsor
    sponsor.name_search = fold(sponsor.name)
    sponsor.updated_at = utcnow()
    bump_version(sponsor)
    session.flush()
    _audit(session, principal, "update", "sponsor", sponsor, before)
    append_event(
        session,
        type="sponsor.updated",
        entity_id=sponsor.id,
        place_path=sponsor.place_path,
        data={"sponsor_id": sponsor.id, "changed": sorted(changes)},
    )
    return sponsor


def _pledge_sponsor(session: Session, pledge: PledgeCreate, pointer: str) -> Sponsor:
    sponsor = session.exec(select(Sponsor).where(Sponsor.id == pledge.sponsor_id)).first()
    if sponsor is None:
        raise ValidationFailed(f"Unknown sponsor {pledge.sponsor_id!r}.", pointer=pointer)
    if not sponsor.is_active:
        raise ValidationFailed(f"{sponsor.name} is no longer an active sponsor.", pointer=pointer)
    return sponsor


def _add_pledge(session, sponsorship: Sponsorship, pledge: PledgeCreate) -> SponsorshipPledge:
    row = SponsorshipPledge(
        sponsorship_id=sponsorship.id,
        sponsor_id=pledge.sponsor_id,
        amount_vnd=pledge.amount_vnd,
        items=nfc(pledge.items),
    )
    session.add(row)
    return row


def create_sponsorship(
    session: Session, *, principal: Principal, data: SponsorshipCreate
) -> Sponsorship:
    """One or more sponsors pledge help to one household for a period."""
    household: Household = find_household(session, data.household_id, pointer="/household_id")
    periods.check_period(session, household, data)
    seen: set[str] = set()
    for index, pledge in enumerate(data.pledges):
        pointer = f"/pledges/{index}/sponsor_id"
        if pledge.sponsor_id in seen:
            raise ValidationFailed(
                "A sponsor is listed twice; give one pledge each.", pointer=pointer
            )
        seen.add(pledge.sponsor_id)
        sponsor = _pledge_sponsor(session, pledge, pointer)
        periods.check_no_overlap(
            session, household.id, sponsor, data.start_date, data.end_date, pointer=pointer
        )
    sponsorship = Sponsorship(
        household_id=household.id,
        place_path=household.place_path,
        start_date=data.start_date,
        end_date=data.end_date,
        goal=nfc(data.goal),
        created_by=principal.id,
    )
    session.add(sponsorship)
    session.flush()
    for pledge in data.pledges:
        _add_pledge(session, sponsorship, pledge)
    session.flush()
    _audit(session, principal, "create", "sponsorship", sponsorship)
    append_event(
        session,
        type="sponsorship.created",
        entity_id=sponsorship.id,
        place_path=sponsorship.place_path,
        data={
            "sponsorship_id": sponsorship.id,
            "household_id": household.id,
            "sponsor_ids": [p.sponsor_id for p in data.pledges],
        },
    )
    return sponsorship


def add_pledge(
    session: Session, *, principal: Principal, sponsorship: Sponsorship, data: PledgeCreate
) -> SponsorshipPledge:
    """Another sponsor joins a sponsorship (one pledge per sponsor)."""
    if sponsorship.end_date is not None and sponsorship.end_date <= today_in_vietnam():
        raise Conflict("The sponsorship has ended.")
    sponsor = _pledge_sponsor(session, data, "/sponsor_id")
    stmt = select(SponsorshipPledge.id).where(
        SponsorshipPledge.sponsorship_id == sponsorship.id,
        SponsorshipPledge.sponsor_id == data.sponsor_id,
    )
    if session.exec(stmt).first() is not None:
        raise Conflict(
            "This sponsor already pledged to this sponsorship.",
            errors=[{"pointer": "/sponsor_id", "detail": "already pledged"}],
        )
    periods.check_no_overlap(
        session,
        sponsorship.household_id,
        sponsor,
        sponsorship.start_date,
        sponsorship.end_date,
        pointer="/sponsor_id",
        except_id=sponsorship.id,
    )
    pledge = _add_pledge(session, sponsorship, data)
    sponsorship.updated_at = utcnow()
    bump_version(sponsorship)
    session.flush()
    _audit(session, principal, "add_pledge", "sponsorship", sponsorship)
    append_event(
        session,
        type="sponsorship.updated",
        entity_id=sponsorship.id,
        place_path=sponsorship.place_path,
        data={"sponsorship_id": sponsorship.id, "sponsor_id": data.sponsor_id},
    )
    return pledge


def update_sponsorship(
    session: Session, *, principal: Principal, sponsorship: Sponsorship, data: SponsorshipUpdate
) -> Sponsorship:
    """Change the goal, or end the sponsorship (end_date with end_reason)."""
    before = snapshot(sponsorship)
    changes = data.model_dump(exclude_unset=True)
    end_date = changes.get("end_date", sponsorship.end_date)
    if end_date is not None and end_date <= sponsorship.start_date:
        raise ValidationFailed("end_date must be after start_date.", pointer="/end_date")
    if changes.get("end_date") and not (changes.get("end_reason") or sponsorship.end_reason):
        raise ValidationFailed("Say why the sponsorship ends.", pointer="/end_reason")
    if "end_date" in changes and end_date != sponsorship.end_date:
        periods.check_new_end(session, sponsorship, end_date)
    for key, value in changes.items():
        setattr(sponsorship, key, nfc(value) if isinstance(value, str) else value)
    if before == snapshot(sponsorship):
        return sponsorship
    sponsorship.updated_at = utcnow()
    bump_version(sponsorship)
    session.flush()
    _audit(session, principal, "update", "sponsorship", sponsorship, before)
    append_event(
        session,
        type="sponsorship.updated",
        entity_id=sponsorship.id,
        place_path=sponsorship.place_path,
        data={"sponsorship_id": sponsorship.id, "changed": sorted(changes)},
    )
    return sponsorship
