"""What a recognised assessment changes: the household's status, its history and its needs."""

from sqlmodel import Session, select

from api.audit.service import record_audit
from api.auth.principal import Principal
from api.core.dates import today_in_vietnam
from api.core.etag import bump_version
from api.errors import Conflict
from api.events.service import append_event
from api.households.ethnicities import is_ethnic_minority
from api.models import Assessment, Household, Need, StatusChange
from api.models.base import utcnow
from api.needs.service import close_need
from api.standards import get_standard, indicator_need_categories, yearly_transition

NEEDY = frozenset({"poor", "near_poor"})


def recognise(
    session: Session, *, principal: Principal, household: Household, assessment: Assessment
) -> StatusChange:
    """Record the status change, recompute the household's history, open needs."""
    if assessment.kind == "periodic":
        check_one_periodic(session, assessment.household_id, assessment.year, assessment.id)
    change = StatusChange(
        household_id=household.id,
        assessment_id=assessment.id,
        place_path=household.place_path,
        year=assessment.year,
        kind=assessment.kind,
        effective_date=assessment.effective_date or assessment.decision_date or today_in_vietnam(),
        previous_status=household.status,
        new_status=assessment.classification,
        without_labour_capacity=(
            assessment.classification == "poor" and assessment.able_to_work_count == 0
        ),
        ethnic_minority=is_ethnic_minority(household.ethnicity),
        meritorious_service=household.meritorious_service,
    )
    session.add(change)
    session.flush()
    old_status = household.status
    rebuild_history(session, household)
    append_event(
        session,
        type="assessment.recognised",
        entity_id=assessment.id,
        place_path=household.place_path,
        data={
            "assessment_id": assessment.id,
            "household_id": household.id,
            "year": assessment.year,
            "classification": assessment.classification,
        },
    )
    if household.status != old_status:
        append_event(
            session,
            type="household.status_changed",
            entity_id=household.id,
            place_path=household.place_path,
            data={
                "household_id": household.id,
                "from": old_status,
                "to": household.status,
                "transition": change.transition,
            },
        )
    close_needs_no_longer_found(
        session, principal=principal, household=household, assessment=assessment
    )
    if assessment.classification in NEEDY:
        open_needs_from_deprivations(
            session, principal=principal, household=household, assessment=assessment
        )
    return change


def check_one_periodic(
    session: Session,
    household_id: str,
    year: int,
    except_id: str | None = None,
    *,
    pointer: str = "/step",
) -> None:
    """409 when the household already has a recognised periodic review for the year.

    Called before anything is flushed: the unique index behind it would otherwise answer
    first, with a generic conflict that does not say what is wrong.
    """
    stmt = select(Assessment.id).where(
        Assessment.household_id == household_id,
        Assessment.year == year,
        Assessment.kind == "periodic",
        Assessment.state == "recognised",
    )
    if except_id is not None:
        stmt = stmt.where(Assessment.id != except_id)
    existing = session.exec(stmt).first()
    if existing is not None:
        raise Conflict(
            f"The household already has a recognised periodic review for {year} ({existing}); "
            "a second one cannot be recognised. Record an ad-hoc review instead.",
            detail_vi=(
                f"Hộ đã có kết quả rà soát định kỳ năm {year} được công nhận ({existing}); "
                "không thể công nhận thêm. Hãy ghi nhận rà soát thường xuyên."
            ),
            errors=[{"pointer": pointer, "detail": "one recognised periodic review per year"}],
        )


def ordered_changes(session: Session, household_id: str) -> list[StatusChange]:
    """The household's recognised changes in review order: by year, then the date each took
    effect within its year. The year comes first so that a mistyped or late date cannot move
    one year's review before an earlier year's."""
    stmt = select(StatusChange).where(StatusChange.household_id == household_id)
    changes = list(session.exec(stmt))
    return sorted(changes, key=lambda c: (c.year, c.effective_date, c.recognised_at, c.id))


def rebuild_history(session: Session, household: Household) -> None:
    """Recompute every change's previous status and transition, then the current status.

    Reviews may be recognised out of order (2018 entered before 2017), so the history is
    always rebuilt from the whole sequence rather than patched.
    """
    changes = ordered_changes(session, household.id)
    history: list[str] = []
    for change in changes:
        change.previous_status = history[-1] if history else "unclassified"
        change.transition = yearly_transition(history=history, new_status=change.new_status)
        history.append(change.new_status)
    if changes:
        _set_current_status(household, changes)
    session.flush()


def _set_current_status(household: Household, changes: list[StatusChange]) -> None:
    """The latest change's status, held since the first change of the unbroken run that ends
    with it: recomputed every time, since a review slotted in between (2017 recognised after
    2016 and 2018) moves the start of that run. A change of labour capacity starts a new run,
    as it always has (the demo district, api/demo/reviews.py, stores the same)."""
    latest = changes[-1]
    current = (latest.new_status, latest.without_labour_capacity)
    since = latest.effective_date
    for change in reversed(changes):
        if (change.new_status, change.without_labour_capacity) != current:
            break
        since = change.effective_date
    if (household.status, household.without_labour_capacity, household.status_since) == (
        *current,
        since,
    ):
        return
    household.status, household.without_labour_capacity = current
    household.status_since = since
    household.updated_at = utcnow()
    bump_version(household)


def open_needs_from_deprivations(
    session: Session, *, principal: Principal, household: Household, assessment: Assessment
) -> list[Need]:
    """One open need per support category a deprivation calls for (unless one is open)."""
    standard = get_standard(assessment.standard_code)
    categories = indicator_need_categories(standard, assessment.deprivations)
    open_now = set(
        session.exec(
            select(Need.category).where(Need.household_id == household.id, Need.status == "open")
        )
    )
    opened = []
    for indicator, category in categories.items():
        if category in open_now:
            continue
        open_now.add(category)
        need = Need(
            household_id=household.id,
            place_path=household.place_path,
            category=category,
            source="assessment",
            assessment_id=assessment.id,
            indicator_code=indicator,
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
            after={"category": category, "indicator_code": indicator},
            place_path=household.place_path,
        )
        append_event(
            session,
            type="need.opened",
            entity_id=need.id,
            place_path=household.place_path,
            data={"need_id": need.id, "household_id": household.id, "category": category},
        )
        opened.append(need)
    return opened


def close_needs_no_longer_found(
    session: Session, *, principal: Principal, household: Household, assessment: Assessment
) -> list[Need]:
    """Cancel the open needs an earlier review opened whose support category this review no
    longer calls for (the latrine was built, the card issued), so "open needs" keeps meaning
    what the household still lacks. Only the household's latest review decides; a review
    scored with B2 alone names no indicators and closes nothing; needs an officer opened by
    hand stay open."""
    if assessment.b2_score is not None and not assessment.deprivations:
        return []
    later = session.exec(
        select(Assessment.id).where(
            Assessment.household_id == household.id,
            Assessment.state == "recognised",
            Assessment.year > assessment.year,
        )
    ).first()
    if later is not None:
        return []
    still_called_for = set(
        indicator_need_categories(
            get_standard(assessment.standard_code), assessment.deprivations
        ).values()
    )
    stale = session.exec(
        select(Need).where(
            Need.household_id == household.id,
            Need.status == "open",
            Need.source == "assessment",
            Need.assessment_id != assessment.id,
        )
    ).all()
    closed = [need for need in stale if need.category not in still_called_for]
    reason = (
        f"Rà soát năm {assessment.year} không còn thiếu hụt cần hỗ trợ này / "
        f"the {assessment.year} review no longer finds this deprivation"
    )
    for need in closed:
        close_need(session, principal=principal, need=need, status="cancelled", reason=reason)
    session.flush()
    return closed
