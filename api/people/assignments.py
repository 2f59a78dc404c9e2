"""Who is in charge of a household, over time: one assignment in force at most, every change
with its reason. Periods are half-open: a person is in charge from start_date until the day
before end_date, so a handover ends one assignment on the day the next one starts."""

from datetime import date

from sqlmodel import Session, select

from api.audit.service import record_audit, snapshot
from api.auth.principal import Principal
from api.core.dates import today_in_vietnam
from api.core.etag import bump_version
from api.errors import Conflict, NotFound, ValidationFailed
from api.events.service import append_event
from api.models import Assignment, Person
from api.models.base import utcnow
from api.people.schemas import AssignmentCreate, AssignmentEnd
from api.people.service import (
    check_may_act,
    check_not_before_household,
    find_household,
    find_person,
    person_summary,
)


def get_assignment_or_raise(
    session: Session, assignment_id: str, *, for_update: bool = False
) -> Assignment:
    """An assignment the caller may see, else 404."""
    stmt = select(Assignment).where(Assignment.id == assignment_id)
    if for_update:
        stmt = stmt.with_for_update()
    assignment = session.exec(stmt).first()
    if assignment is None:
        raise NotFound(f"No assignment with id {assignment_id!r}.")
    return assignment


def _overlaps(a_start: date, a_end: date | None, b_start: date, b_end: date | None) -> bool:
    return (b_end is None or a_start < b_end) and (a_end is None or b_start < a_end)


def _period(assignment: Assignment) -> str:
    until = assignment.end_date.isoformat() if assignment.end_date else "now"
    return f"{assignment.start_date.isoformat()} to {until}"


def _check_dates(data: AssignmentCreate) -> None:
    today = today_in_vietnam()
    if data.start_date > today:
        raise ValidationFailed("start_date is in the future.", pointer="/start_date")
    if data.end_date is not None:
        if data.end_date <= data.start_date:
            raise ValidationFailed("end_date must be after start_date.", pointer="/end_date")
        if data.end_date > today:
            raise ValidationFailed(
                "end_date is in the future; leave it out for an assignment in force.",
                pointer="/end_date",
            )


def create_assignment(
    session: Session, *, principal: Principal, data: AssignmentCreate
) -> Assignment:
    """Put a person in charge of a household; one in force already is handed over."""
    _check_dates(data)
    household = find_household(session, data.household_id, pointer="/household_id")
    check_not_before_household(session, household, data.start_date, pointer="/start_date")
    person = find_person(session, data.person_id, pointer="/person_id")
    check_may_act(session, person=person, household=household, pointer="/person_id")
    stmt = select(Assignment).where(Assignment.household_id == household.id)
    history = list(session.exec(stmt.execution_options(unscoped=True)))
    current = next((a for a in history if a.end_date is None), None)
    handover = (
        current is not None and data.end_date is None and current.start_date <= data.start_date
    )
    if handover and current.person_id == person.id:
        raise Conflict(
            f"{person.full_name} is already in charge of this household.",
            errors=[{"pointer": "/person_id", "detail": f"already in charge ({current.id})"}],
        )
    if handover:
        _check_not_same_day(current, data.start_date)
    for other in history:
        if handover and other is current:
            continue
        if _overlaps(data.start_date, data.end_date, other.start_date, other.end_date):
            raise Conflict(
                f"The period overlaps assignment {other.id} ({_period(other)}) of this household.",
                errors=[{"pointer": "/start_date", "detail": f"overlaps {other.id}"}],
            )
    if handover:
        _end(session, principal, current, data.start_date, data.reason)
        session.flush()  # the old one is closed before the new one opens (unique index)
    assignment = Assignment(
        household_id=household.id,
        person_id=person.id,
        place_path=household.place_path,
        start_date=data.start_date,
        end_date=data.end_date,
        reason=data.reason,
        replaces_id=current.id if handover else None,
        created_by=principal.id,
    )
    session.add(assignment)
    session.flush()
    record_audit(
        session,
        principal=principal,
        action="create",
        entity="assignment",
        entity_id=assignment.id,
        after=snapshot(assignment),
        place_path=assignment.place_path,
    )
    append_event(
        session,
        type="assignment.changed",
        entity_id=assignment.id,
        place_path=assignment.place_path,
        data={
            "assignment_id": assignment.id,
            "household_id": household.id,
            "person_id": person.id,
            "previous_person_id": current.person_id if handover else None,
            "start_date": assignment.start_date.isoformat(),
        },
    )
    return assignment


def _check_not_same_day(current: Assignment, start_date: date) -> None:
    """A handover on the day the current assignment started would leave it in force for no
    day at all, and count as a change in the stability figures: it is a correction, not a
    handover."""
    if current.start_date != start_date:
        return
    raise Conflict(
        f"The current assignment {current.id} also starts on {start_date.isoformat()}; "
        "a handover the same day would leave it in force for no day at all. End the current "
        "assignment first (ended on its start day, an entry made by mistake is not counted as "
        "a change), then record the new one.",
        detail_vi=(
            f"Phân công hiện tại {current.id} cũng bắt đầu ngày {start_date.strftime('%d/%m/%Y')}; "
            "bàn giao trong cùng ngày sẽ khiến phân công đó không có hiệu lực ngày nào. "
            "Hãy kết thúc phân công hiện tại trước (kết thúc vào chính ngày bắt đầu nếu nhập nhầm; "
            "khi đó không tính là một lần thay đổi), rồi ghi nhận phân công mới."
        ),
        errors=[{"pointer": "/start_date", "detail": f"same day as {current.id} started"}],
    )


def _end(session, principal, assignment: Assignment, end_date: date, reason: str) -> None:
    before = snapshot(assignment)
    assignment.end_date = end_date
    assignment.end_reason = reason
    assignment.ended_by = principal.id
    assignment.ended_at = assignment.updated_at = utcnow()
    bump_version(assignment)
    session.flush()
    record_audit(
        session,
        principal=principal,
        action="end",
        entity="assignment",
        entity_id=assignment.id,
        before=before,
        after=snapshot(assignment),
        place_path=assignment.place_path,
    )


def end_assignment(
    session: Session, *, principal: Principal, assignment: Assignment, data: AssignmentEnd
) -> Assignment:
    """End an assignment in force without a successor: nobody is in charge from end_date."""
    if assignment.end_date is not None:
        raise Conflict(
            f"The assignment already ended on {assignment.end_date.isoformat()}.",
            errors=[{"pointer": "/end_date", "detail": "already ended"}],
        )
    if data.end_date < assignment.start_date:
        raise ValidationFailed("end_date is before the assignment started.", pointer="/end_date")
    if data.end_date > today_in_vietnam():
        raise ValidationFailed("end_date is in the future.", pointer="/end_date")
    _end(session, principal, assignment, data.end_date, data.reason)
    append_event(
        session,
        type="assignment.ended",
        entity_id=assignment.id,
        place_path=assignment.place_path,
        data={
            "assignment_id": assignment.id,
            "household_id": assignment.household_id,
            "person_id": assignment.person_id,
            "end_date": data.end_date.isoformat(),
        },
    )
    return assignment


def persons_by_id(session: Session, ids: set[str]) -> dict[str, Person]:
    """The persons of a page of records, in one query (unscoped: a name, not a record)."""
    if not ids:
        return {}
    stmt = select(Person).where(Person.id.in_(sorted(ids))).execution_options(unscoped=True)
    return {person.id: person for person in session.exec(stmt)}


def assignment_public(assignment: Assignment, persons: dict[str, Person]) -> dict:
    person = persons.get(assignment.person_id)
    summary = person_summary(person) if person is not None else None
    return {**assignment.model_dump(), "person": summary, "active": assignment.end_date is None}
