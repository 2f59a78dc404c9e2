"""A household's records that keep a copy of its place path, and carrying them along a move.

Reviews, status changes, needs, visits, assignments, sponsorships (and their contributions)
and dismissed duplicate pairs copy their household's place path when they are written:
scoping (api/core/scoping.py, ``by_place_path``) and place filters read that copy, not the
household. When the household moves, every copy must move with it in the same transaction,
or the new commune's officers lose its history and the old commune's keep it.

The audit trail and the change feed are left as they are: they say where things happened.
"""

from sqlalchemy import or_, select, update
from sqlmodel import Session

from api.models import (
    Assessment,
    Assignment,
    DuplicateDismissal,
    Member,
    Need,
    Sponsorship,
    SponsorshipContribution,
    StatusChange,
    Visit,
)

# Tables whose rows name their household directly and copy its place path.
_BY_HOUSEHOLD = (Assessment, StatusChange, Need, Visit, Assignment, Sponsorship)


def carry_place_path(session: Session, household_id: str, place_path: str) -> None:
    """Give every record that copies the household's place path the new one: one set-based
    UPDATE per table. Call it whenever a household's place changes (edit, import)."""
    for model in _BY_HOUSEHOLD:
        _set_path(session, model, model.household_id == household_id, place_path)
    sponsorships = select(Sponsorship.id).where(Sponsorship.household_id == household_id)
    _set_path(
        session,
        SponsorshipContribution,
        SponsorshipContribution.sponsorship_id.in_(sponsorships),
        place_path,
    )
    _set_path(session, DuplicateDismissal, _dismissals_of(household_id), place_path)


def _dismissals_of(household_id: str):
    """Dismissed pairs whose path was copied from this household: the pair's first record
    is the household itself, or one of its members (api/duplicates/service.py)."""
    members = select(Member.id).where(Member.household_id == household_id)
    return or_(
        (DuplicateDismissal.kind == "household") & (DuplicateDismissal.first_id == household_id),
        (DuplicateDismissal.kind == "member") & DuplicateDismissal.first_id.in_(members),
    )


def _set_path(session: Session, model: type, where, place_path: str) -> None:
    # Writes are never scoped (only SELECTs are), so rows the caller cannot see move too.
    # "fetch" keeps rows already loaded in this session in step (RETURNING on both backends).
    stmt = (
        update(model)
        .where(where, model.place_path != place_path)
        .values(place_path=place_path)
        .execution_options(synchronize_session="fetch")
    )
    session.execute(stmt)
