"""Dismissing a pair of possible duplicates (api/duplicates/candidates.py), or merging them.

A household merge keeps every record: the duplicate is archived with a pointer to the kept
household (merged_into_id), its people move to the kept household (or, when they are the
same person as one already there, are marked as having left, pointing to that person), its
open needs move across, its person in charge is released, its running sponsorships end, and
its reviews, supports, visits, sponsorships and history stay readable on the archived record.
Every change has its audit row.
"""

from datetime import timedelta
from typing import Any

from sqlalchemy import or_
from sqlmodel import Session, select

from api.audit.service import record_audit, snapshot
from api.auth.principal import Principal
from api.core.dates import today_in_vietnam
from api.core.etag import bump_version
from api.core.text import fold
from api.errors import Conflict, Forbidden, ValidationFailed
from api.events.service import append_event
from api.households.citizen_id import mask_citizen_id
from api.households.service import archive_household
from api.models import Assignment, DuplicateDismissal, Household, Member, Need, Sponsorship
from api.models.base import utcnow
from api.people.assignments import end_assignment
from api.people.schemas import AssignmentEnd
from api.sponsors.delivered import last_contribution_on
from api.sponsors.schemas import SponsorshipUpdate
from api.sponsors.service import update_sponsorship


def _pair(session: Session, kind: str, first_id: str, second_id: str):
    """The two records (visible to the caller), in sorted order, and their place path."""
    if first_id == second_id:
        raise ValidationFailed("Name two different records.", pointer="/second_id")
    ids = sorted((first_id, second_id))
    model = Household if kind == "household" else Member
    found = {r.id: r for r in session.exec(select(model).where(model.id.in_(ids)))}
    for pointer, wanted in (("/first_id", first_id), ("/second_id", second_id)):
        if wanted not in found:
            raise ValidationFailed(f"Unknown {kind} {wanted!r}.", pointer=pointer)
    return ids, found


def dismiss(
    session: Session, *, principal: Principal, kind: str, first_id: str, second_id: str, reason
) -> DuplicateDismissal:
    """Record that the two are different records: the pair leaves the list."""
    ids, found = _pair(session, kind, first_id, second_id)
    household = found[ids[0]] if kind == "household" else _household_of(session, found[ids[0]])
    stmt = select(DuplicateDismissal.id).where(
        DuplicateDismissal.kind == kind,
        DuplicateDismissal.first_id == ids[0],
        DuplicateDismissal.second_id == ids[1],
    )
    if session.exec(stmt.execution_options(unscoped=True)).first() is not None:
        raise Conflict("This pair was dismissed already.")
    dismissal = DuplicateDismissal(
        kind=kind,
        first_id=ids[0],
        second_id=ids[1],
        place_path=household.place_path,
        reason=reason,
        dismissed_by=principal.id,
    )
    session.add(dismissal)
    session.flush()
    record_audit(
        session,
        principal=principal,
        action="dismiss_duplicate",
        entity=kind,
        entity_id=ids[0],
        after={"first_id": ids[0], "second_id": ids[1], "reason": reason},
        place_path=household.place_path,
    )
    return dismissal


def _household_of(session: Session, member: Member) -> Household:
    return session.exec(select(Household).where(Household.id == member.household_id)).one()


def _writable(principal: Principal, *households: Household) -> None:
    for household in households:
        if not principal.covers_path(household.place_path):
            raise Forbidden("The household is outside your places.")
        if household.archived_at is not None:
            raise Conflict(f"Household {household.code} is archived.")


# -- merge -------------------------------------------------------------------------------------


def merge_members(
    session: Session, *, principal: Principal, keep: Member, duplicate: Member, reason: str
) -> Member:
    """The duplicate person leaves its household, pointing to the kept one; a citizen ID only
    the duplicate had moves to the kept person."""
    households = {
        h.id: h for h in (_household_of(session, keep), _household_of(session, duplicate))
    }
    _writable(principal, *households.values())
    if duplicate.left_on is not None or keep.left_on is not None:
        raise Conflict("One of the two people has left their household already.")
    kept_household = households[keep.household_id]
    _retire_member(session, principal, duplicate, keep, kept_household, reason)
    for household in households.values():
        _refresh_household(session, principal, household, "merge_members")
    return keep


def _retire_member(session, principal, duplicate: Member, keep: Member, kept_household, reason):
    before_dup, before_keep = snapshot(duplicate), snapshot(keep)
    moved_id = None
    if duplicate.citizen_id and not keep.citizen_id:
        moved_id, duplicate.citizen_id = duplicate.citizen_id, None
        session.flush()  # the unique citizen ID is free before the kept person takes it
        keep.citizen_id = moved_id
    duplicate.left_on = today_in_vietnam()
    duplicate.left_reason = (
        f"Trùng với {keep.full_name} (hộ {kept_household.code}), đã gộp: {reason}"
    )[:300]
    for member in (duplicate, keep):
        member.updated_at = utcnow()
        bump_version(member)
    session.flush()
    for member, before in ((duplicate, before_dup), (keep, before_keep)):
        if before != snapshot(member):
            record_audit(
                session,
                principal=principal,
                action="merge_duplicate",
                entity="member",
                entity_id=member.id,
                before=_masked(before),
                after=_masked(snapshot(member)) | {"merged_into": keep.id},
                place_path=kept_household.place_path,
            )


def _masked(data: dict[str, Any]) -> dict[str, Any]:
    return {**data, "citizen_id": mask_citizen_id(data.get("citizen_id"))}


def merge_households(
    session: Session, *, principal: Principal, keep: Household, duplicate: Household, reason: str
) -> Household:
    """Fold the duplicate into the kept household (see the module's docstring)."""
    _writable(principal, keep, duplicate)
    if keep.commune_id != duplicate.commune_id:
        raise ValidationFailed(
            "Only households of one commune can be merged; move one first.",
            pointer="/duplicate_id",
        )
    kept_members = _current(session, keep.id)
    has_head = any(m.relation == "head" for m in kept_members)
    for member in _current(session, duplicate.id):
        twin = next(
            (
                m
                for m in kept_members
                if m.name_search == member.name_search and m.birth_year == member.birth_year
            ),
            None,
        )
        if twin is not None:
            _retire_member(session, principal, member, twin, keep, reason)
            continue
        before = snapshot(member)
        member.household_id = keep.id
        if member.relation == "head" and has_head:
            member.relation = "other"
        member.updated_at = utcnow()
        bump_version(member)
        session.flush()
        record_audit(
            session,
            principal=principal,
            action="merge_duplicate",
            entity="member",
            entity_id=member.id,
            before=_masked(before),
            after=_masked(snapshot(member)),
            place_path=keep.place_path,
        )
    _move_needs(session, principal, keep, duplicate)
    _release_assignment(session, principal, keep, duplicate)
    _end_sponsorships(session, principal, keep, duplicate)
    archive_household(
        session,
        principal=principal,
        household=duplicate,
        reason=f"Trùng với hộ {keep.code}, đã gộp: {reason}"[:300],
    )
    duplicate.merged_into_id = keep.id
    session.flush()
    record_audit(
        session,
        principal=principal,
        action="merge_duplicate",
        entity="household",
        entity_id=duplicate.id,
        after={"merged_into_id": keep.id, "reason": reason},
        place_path=duplicate.place_path,
    )
    _refresh_household(session, principal, keep, "merge_households", merged=duplicate.id)
    return keep


def _current(session: Session, household_id: str) -> list[Member]:
    stmt = select(Member).where(Member.household_id == household_id, Member.left_on.is_(None))
    return list(session.exec(stmt.order_by(Member.id)))


def _move_needs(session, principal, keep: Household, duplicate: Household) -> None:
    open_kept = set(
        session.exec(
            select(Need.category).where(Need.household_id == keep.id, Need.status == "open")
        )
    )
    needs = session.exec(
        select(Need).where(Need.household_id == duplicate.id, Need.status == "open")
    ).all()
    for need in needs:
        before = snapshot(need)
        if need.category in open_kept:
            need.status, need.closed_at = "cancelled", utcnow()
            need.closed_reason = f"Hộ trùng, đã gộp vào hộ {keep.code}"
        else:
            need.household_id, need.place_path = keep.id, keep.place_path
            open_kept.add(need.category)
        need.updated_at = utcnow()
        bump_version(need)
        session.flush()
        record_audit(
            session,
            principal=principal,
            action="merge_duplicate",
            entity="need",
            entity_id=need.id,
            before=before,
            after=snapshot(need),
            place_path=keep.place_path,
        )


def _release_assignment(session, principal, keep: Household, duplicate: Household) -> None:
    stmt = select(Assignment).where(
        Assignment.household_id == duplicate.id, Assignment.end_date.is_(None)
    )
    for assignment in session.exec(stmt.with_for_update()).all():
        end = max(today_in_vietnam(), assignment.start_date)
        end_assignment(
            session,
            principal=principal,
            assignment=assignment,
            data=AssignmentEnd(end_date=end, reason=f"Hộ trùng, đã gộp vào hộ {keep.code}"),
        )


def _end_sponsorships(session, principal, keep: Household, duplicate: Household) -> None:
    """The duplicate's running sponsorships end after today (end dates are exclusive): its
    pledges and contributions stay readable on it, and a sponsor who goes on helping the
    family does so through the kept household."""
    tomorrow = today_in_vietnam() + timedelta(days=1)
    running = select(Sponsorship).where(
        Sponsorship.household_id == duplicate.id,
        or_(Sponsorship.end_date.is_(None), Sponsorship.end_date > tomorrow),
    )
    for sponsorship in session.exec(running.with_for_update()).all():
        last = last_contribution_on(session, sponsorship.id)
        ends = max(
            [tomorrow, sponsorship.start_date + timedelta(days=1)]
            + ([last + timedelta(days=1)] if last else [])
        )
        update_sponsorship(
            session,
            principal=principal,
            sponsorship=sponsorship,
            data=SponsorshipUpdate(
                end_date=ends, end_reason=f"Hộ trùng, đã gộp vào hộ {keep.code}"
            ),
        )


def _refresh_household(session, principal, household: Household, action: str, **extra) -> None:
    before = snapshot(household)
    names = [m.full_name for m in _current(session, household.id)]
    household.search_text = fold(" ".join([household.code, household.head_name, *names]))
    household.updated_at = utcnow()
    bump_version(household)
    session.flush()
    record_audit(
        session,
        principal=principal,
        action=action,
        entity="household",
        entity_id=household.id,
        before=before,
        after=snapshot(household) | extra,
        place_path=household.place_path,
    )
    append_event(
        session,
        type="household.updated",
        entity_id=household.id,
        place_path=household.place_path,
        data={"household_id": household.id, "changed": ["members"], **extra},
    )
