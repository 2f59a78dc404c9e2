"""Gathering households' facts in batches, and storing their due date and early warning.

Reads here are unscoped on purpose: the stored figures must not depend on who caused the
refresh (an agency that cannot see needs must not make a household's needs vanish).
"""

from collections import defaultdict
from collections.abc import Iterable, Sequence
from datetime import date, timedelta

from sqlalchemy import select
from sqlmodel import Session

from api.core.dates import today_in_vietnam
from api.core.etag import bump_version
from api.models import Assessment, Household, Member, Need, StatusChange, Visit
from api.risk.scoring import ESCAPES, RiskFacts, assess
from api.risk.weights import load_weights
from api.visits.facts import LastVisit, last_visits
from api.visits.schedule import ScheduleFacts, next_due

UNSCOPED = {"unscoped": True}
BATCH_SIZE = 500


def _rows(session: Session, stmt) -> list:
    return list(session.execute(stmt.execution_options(**UNSCOPED)))


def latest_changes(session: Session, ids: Sequence[str]) -> dict[str, StatusChange]:
    """Each household's latest recognised status change (the order recognition uses)."""
    stmt = select(StatusChange).where(StatusChange.household_id.in_(ids))
    changes = session.scalars(stmt.execution_options(**UNSCOPED))
    latest: dict[str, StatusChange] = {}
    for change in sorted(changes, key=lambda c: (c.effective_date, c.year, c.recognised_at, c.id)):
        latest[change.household_id] = change
    return latest


def escape_of(change: StatusChange | None) -> tuple[str | None, date | None]:
    if change is None or change.transition not in ESCAPES:
        return None, None
    return change.transition, change.effective_date


def schedule_facts(
    household: Household, change: StatusChange | None, visit: LastVisit | None
) -> ScheduleFacts:
    _, escaped_on = escape_of(change)
    return ScheduleFacts(
        status=household.status,
        status_since=household.status_since,
        registered_on=household.created_at.date(),
        escaped_on=escaped_on,
        last_visit_on=visit.visited_on if visit else None,
        next_visit_on=visit.next_visit_on if visit else None,
    )


def _grouped(rows: Iterable) -> dict[str, list]:
    grouped: dict[str, list] = defaultdict(list)
    for household_id, *values in rows:
        grouped[household_id].append(values[0] if len(values) == 1 else tuple(values))
    return grouped


def refresh_households(
    session: Session, *, household_ids: Iterable[str], as_of: date | None = None
) -> int:
    """Recompute next due dates and risk for these households; how many changed visibly."""
    as_of = as_of or today_in_vietnam()
    ids = sorted(set(household_ids))
    changed = 0
    for start in range(0, len(ids), BATCH_SIZE):
        changed += _refresh_batch(session, ids[start : start + BATCH_SIZE], as_of)
    return changed


def _refresh_batch(session: Session, ids: list[str], as_of: date) -> int:
    households = session.scalars(
        select(Household)
        .where(Household.id.in_(ids))
        .with_for_update()
        .execution_options(**UNSCOPED)
    ).all()
    changes = latest_changes(session, ids)
    assessments = {
        a.id: a
        for a in session.scalars(
            select(Assessment)
            .where(Assessment.id.in_([c.assessment_id for c in changes.values()]))
            .execution_options(**UNSCOPED)
        )
    }
    visits = last_visits(session, ids)
    since = as_of - timedelta(days=load_weights().shock_lookback_days)
    shock_rows = _rows(
        session,
        select(Visit.household_id, Visit.visited_on, Visit.shocks).where(
            Visit.household_id.in_(ids), Visit.visited_on >= since, Visit.visited_on <= as_of
        ),
    )
    shocks: dict[str, list[tuple[str, date]]] = defaultdict(list)
    for household_id, visited_on, codes in shock_rows:
        shocks[household_id].extend((code, visited_on) for code in codes or ())
    needs = _grouped(
        _rows(
            session,
            select(Need.household_id, Need.category).where(
                Need.household_id.in_(ids), Need.status == "open"
            ),
        )
    )
    members = _grouped(
        _rows(
            session,
            select(Member.household_id, Member.birth_year, Member.can_work).where(
                Member.household_id.in_(ids), Member.left_on.is_(None)
            ),
        )
    )
    changed = 0
    for household in households:
        change = changes.get(household.id)
        due = next_due(schedule_facts(household, change, visits.get(household.id)))
        assessment = assessments.get(change.assessment_id) if change else None
        escape, escaped_on = escape_of(change)
        risk = assess(
            RiskFacts(
                as_of=as_of,
                status=household.status,
                escape=escape,
                escaped_on=escaped_on,
                standard=assessment.standard_code if assessment else None,
                income_per_capita=assessment.income_per_capita if assessment else None,
                poverty_line=assessment.poverty_line if assessment else None,
                deprivations=tuple(assessment.deprivations) if assessment else (),
                deprivation_count=assessment.deprivation_count if assessment else 0,
                shocks=tuple(shocks.get(household.id, ())),
                members=tuple(members.get(household.id, ())),
                due_on=due.due_on if due else None,
                open_needs=tuple(needs.get(household.id, ())),
            )
        )
        changed += _store(household, due.due_on if due else None, risk, as_of)
    return changed


def _store(household: Household, due_on: date | None, risk, as_of: date) -> int:
    """Write the derived fields; a visible change (score or reasons) is a new version."""
    score = risk.score if risk else None
    reasons = [reason.to_public() for reason in risk.reasons] if risk else []
    if household.next_visit_due_on != due_on:
        household.next_visit_due_on = due_on
    computed_on = as_of if risk else None
    if household.risk_as_of != computed_on:
        household.risk_as_of = computed_on
    if household.risk_score == score and household.risk_reasons == reasons:
        return 0
    household.risk_score = score
    household.risk_reasons = reasons
    bump_version(household)  # the household's representation shows its risk
    return 1


def household_ids_to_refresh(session: Session) -> list[str]:
    """Every household still in the registry, in id order."""
    stmt = select(Household.id).where(Household.archived_at.is_(None)).order_by(Household.id)
    return list(session.scalars(stmt.execution_options(**UNSCOPED)))


def refresh_all(session: Session, *, as_of: date | None = None) -> int:
    """The time-based part (months since escape, days overdue), in the caller's transaction."""
    ids = household_ids_to_refresh(session)
    changed = refresh_households(session, household_ids=ids, as_of=as_of)
    session.flush()
    return changed
