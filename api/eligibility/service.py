"""A household's status, flags and eligibility for the caller's policies."""

from datetime import date

from sqlmodel import Session, select

from api.audit.service import record_audit
from api.auth.principal import Principal
from api.core.dates import today_in_vietnam
from api.eligibility.rules import Facts, evaluate
from api.errors import NotFound
from api.households.citizen_id import mask_citizen_id
from api.households.ethnicities import is_ethnic_minority
from api.models import Household, Member, Policy, StatusChange

ESCAPES = {
    # transition -> the statuses in which it still holds
    "escaped_poverty": frozenset({"near_poor", "average", "not_poor"}),
    "escaped_near_poverty": frozenset({"average", "not_poor"}),
}


def get_household_or_raise(session: Session, household_id: str) -> Household:
    """A household the caller may see (an agency with a service area: inside it), else 404."""
    household = session.exec(select(Household).where(Household.id == household_id)).first()
    if household is None:
        raise NotFound(f"No household with id {household_id!r}.")
    return household


def facts_of(session: Session, household: Household) -> Facts:
    """Status, flags and the latest escapes from the recognised status history."""
    stmt = select(StatusChange).where(StatusChange.household_id == household.id)
    changes = sorted(
        session.exec(stmt.execution_options(unscoped=True)),
        key=lambda c: (c.effective_date, c.year, c.recognised_at, c.id),
    )
    escaped: dict[str, date] = {}
    for change in changes:
        if change.transition in ESCAPES:
            escaped[change.transition] = change.effective_date
    escaped = {t: d for t, d in escaped.items() if household.status in ESCAPES[t]}
    return Facts(
        status=household.status,
        status_since=household.status_since,
        flags={
            "ethnic_minority": is_ethnic_minority(household.ethnicity),
            "meritorious_service": household.meritorious_service,
            "social_protection": household.social_protection,
            "without_labour_capacity": household.without_labour_capacity,
        },
        archived=household.archived_at is not None,
        escaped=escaped,
    )


def eligibility(
    session: Session, *, principal: Principal, household: Household, agency_id: str | None
) -> dict:
    """The decisions for every active policy the caller owns (officers: all, or one agency's)."""
    facts = facts_of(session, household)
    today = today_in_vietnam()
    stmt = select(Policy).where(Policy.is_active.is_(True))
    if agency_id is not None:
        stmt = stmt.where(Policy.agency_id == agency_id)
    decisions = []
    policies = list(session.exec(stmt.order_by(Policy.agency_id, Policy.code)))
    for policy in policies:
        eligible, reasons = evaluate(
            eligible_statuses=policy.eligible_statuses,
            escaped_within_years=policy.escaped_within_years,
            required_flags=policy.required_flags,
            is_active=policy.is_active,
            facts=facts,
            today=today,
        )
        decisions.append(
            {
                "policy_id": policy.id,
                "agency_id": policy.agency_id,
                "code": policy.code,
                "name": policy.name,
                "eligible": eligible,
                "reasons": reasons,
            }
        )
    return {
        "household_id": household.id,
        "commune_id": household.commune_id,
        "status": facts.status,
        "status_since": facts.status_since,
        "escaped": facts.escaped,
        "flags": _flags_for(principal, facts.flags, policies),
        "archived": facts.archived,
        "evaluated_on": today,
        "policies": decisions,
    }


def _flags_for(principal: Principal, flags: dict[str, bool], policies: list[Policy]) -> dict:
    """The flags an agency's policies decide on, and no others (Law 91/2025: minimisation):
    ethnicity, meritorious service or social protection of a household is sensitive data an
    agency gets only as far as one of its own active policies' rules needs it. Officers and
    admins keep every flag (their work covers every policy)."""
    if principal.kind != "agency":
        return flags
    used = {flag for policy in policies for flag in policy.required_flags or ()}
    return {name: value for name, value in flags.items() if name in used}


def household_by_citizen_id(
    session: Session, *, principal: Principal, citizen_id: str, purpose: str
) -> Household:
    """The household a person lives in now, found by their citizen ID; the lookup is logged."""
    stmt = select(Household).join(Member, Member.household_id == Household.id)
    stmt = stmt.where(Member.citizen_id == citizen_id, Member.left_on.is_(None))
    household = session.exec(stmt).first()
    if household is None:
        raise NotFound("No household you may see has a current member with this citizen ID.")
    record_audit(
        session,
        principal=principal,
        action="lookup",
        entity="household",
        entity_id=household.id,
        place_path=household.place_path,
        purpose=purpose,
        after={"citizen_id": mask_citizen_id(citizen_id)},
    )
    return household
