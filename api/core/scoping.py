"""Place scoping, applied in one place: every ORM SELECT of a scoped table is filtered.

A route never filters by the caller's places itself. The principal sits in
``session.info["principal"]``; this listener adds the criteria to every query, so a record
outside the caller's places is simply not found (404, never 403).

A second dimension, ownership, applies to agencies (API keys): an agency sees only its own
rows of the tables registered with ``@agency_rule`` (its policies, supports, keys, webhooks),
on top of its optional service area (place rules).
"""

import functools
from collections.abc import Callable

from sqlalchemy import and_, event, false, or_, select
from sqlalchemy.orm import ORMExecuteState, with_loader_criteria
from sqlalchemy.sql.elements import ColumnElement
from sqlalchemy.sql.util import find_tables
from sqlmodel import Session

from api.auth.principal import Principal
from api.models import (
    Agency,
    AgencyPlace,
    ApiKey,
    Assessment,
    AssessmentStep,
    Assignment,
    AuditEntry,
    DuplicateDismissal,
    Event,
    Household,
    HouseholdMove,
    ImportJob,
    Member,
    Need,
    Person,
    Place,
    Policy,
    Proposal,
    ProposalSubmission,
    ReportFollowedHousehold,
    ReportStatusCount,
    ReportTransitionCount,
    Sponsor,
    Sponsorship,
    SponsorshipContribution,
    SponsorshipPledge,
    StatusChange,
    Support,
    Target,
    Visit,
    WebhookDelivery,
    WebhookEndpoint,
)

ScopeRule = Callable[[Principal], ColumnElement[bool]]
_RULES: dict[type, ScopeRule] = {}
_AGENCY_RULES: dict[type, ScopeRule] = {}


def scope_rule(model: type) -> Callable[[ScopeRule], ScopeRule]:
    """Register how a table is limited to a principal's places."""

    def register(rule: ScopeRule) -> ScopeRule:
        _RULES[model] = rule
        return rule

    return register


def agency_rule(model: type) -> Callable[[ScopeRule], ScopeRule]:
    """Register how a table is limited to the calling agency's own rows."""

    def register(rule: ScopeRule) -> ScopeRule:
        _AGENCY_RULES[model] = rule
        return rule

    return register


def criteria_for(principal: Principal) -> dict[type, ColumnElement[bool]]:
    """Every table's filter for this caller: its places and, for an agency, its ownership."""
    criteria = (
        {model: rule(principal) for model, rule in _RULES.items()}
        if principal.is_restricted
        else {}
    )
    if principal.kind == "agency":
        for model, rule in _AGENCY_RULES.items():
            own = rule(principal)
            criteria[model] = and_(criteria[model], own) if model in criteria else own
    return criteria


def path_within(column, principal: Principal) -> ColumnElement[bool]:
    """The column (a place path) starts with one of the caller's place paths."""
    paths = principal.place_paths or ()
    if not paths:
        return false()
    return or_(*[column.startswith(path, autoescape=True) for path in paths])


def set_principal(session: Session, principal: Principal) -> None:
    session.info["principal"] = principal


@event.listens_for(Session, "do_orm_execute")
def _limit_to_principal_places(state: ORMExecuteState) -> None:
    principal: Principal | None = state.session.info.get("principal")
    if principal is None or not (principal.is_restricted or principal.kind == "agency"):
        return
    if not state.is_select or state.is_column_load or state.is_relationship_load:
        return
    if state.execution_options.get("unscoped", False):
        return
    # Only the criteria of the tables the statement reads (anywhere in it, subqueries too):
    # every option costs its share of the statement's cache key on every execution.
    found = find_tables(state.statement, check_columns=True)
    tables = {table.name for table in found if table is not None}
    options = _criteria_options(principal, len(_RULES), len(_AGENCY_RULES))
    wanted = [option for name, option in options if name in tables]
    if wanted:
        state.statement = state.statement.options(*wanted)


@functools.lru_cache(maxsize=4096)
def _criteria_options(principal: Principal, _rules: int, _agency_rules: int) -> tuple:
    """(table name, loader criteria) of a caller, built once per principal (and set of rules):
    building them for every table on every query cost more than most queries themselves."""
    return tuple(
        (model.__table__.name, with_loader_criteria(model, criterion, include_aliases=True))
        for model, criterion in criteria_for(principal).items()
    )


@scope_rule(Place)
def _places(principal: Principal):
    visible = path_within(Place.path, principal)
    if principal.ancestor_ids:
        return or_(visible, Place.id.in_(sorted(principal.ancestor_ids)))
    return visible


@scope_rule(Household)
def _households(principal: Principal):
    return path_within(Household.place_path, principal)


def via_household(column) -> ScopeRule:
    """Rule for a table that belongs to a household: visible when its household is."""

    def rule(principal: Principal):
        return column.in_(select(Household.id).where(path_within(Household.place_path, principal)))

    return rule


scope_rule(Member)(via_household(Member.household_id))
scope_rule(HouseholdMove)(via_household(HouseholdMove.household_id))


def by_place_path(column) -> ScopeRule:
    """Rule for a table that keeps a copy of its household's place path."""

    def rule(principal: Principal):
        return path_within(column, principal)

    return rule


for _model in (Assessment, StatusChange, Need):
    scope_rule(_model)(by_place_path(_model.place_path))

# The reports' maintained counts (issue 9) carry their households' place path.
for _model in (ReportStatusCount, ReportTransitionCount, ReportFollowedHousehold):
    scope_rule(_model)(by_place_path(_model.place_path))

# Field work (issue 5): visits, assignments and sponsorships copy their household's path.
for _model in (Assignment, Visit, Sponsorship, SponsorshipContribution):
    scope_rule(_model)(by_place_path(_model.place_path))


def in_or_above(path_column, place_column) -> ScopeRule:
    """Rule for people and sponsors of a place: those of the caller's places, and those of
    the places above them (a district's officer or business works in every commune)."""

    def rule(principal: Principal):
        visible = path_within(path_column, principal)
        if principal.ancestor_ids:
            return or_(visible, place_column.in_(sorted(principal.ancestor_ids)))
        return visible

    return rule


scope_rule(Person)(in_or_above(Person.place_path, Person.place_id))
scope_rule(Sponsor)(in_or_above(Sponsor.place_path, Sponsor.place_id))


@scope_rule(SponsorshipPledge)
def _pledges(principal: Principal):
    inner = select(Sponsorship.id).where(path_within(Sponsorship.place_path, principal))
    return SponsorshipPledge.sponsorship_id.in_(inner)


@scope_rule(AssessmentStep)
def _steps(principal: Principal):
    inner = select(Assessment.id).where(path_within(Assessment.place_path, principal))
    return AssessmentStep.assessment_id.in_(inner)


@scope_rule(AuditEntry)
def _audit(principal: Principal):
    return path_within(AuditEntry.place_path, principal)


@scope_rule(Event)
def _events(principal: Principal):
    within = path_within(Event.place_path, principal)
    if principal.kind == "agency":
        # An agency serving some places still sees its own deployment-wide events (its
        # keys, its webhook endpoints), which have no place.
        return or_(within, and_(Event.place_path.is_(None), Event.agency_id == principal.id))
    return within


scope_rule(Support)(via_household(Support.household_id))

# Issue 6: proposals, submissions, import jobs and dismissed duplicates by their place's path;
# targets also of the places above (a commune officer sees the district's target).
for _model in (Proposal, ProposalSubmission, ImportJob, DuplicateDismissal):
    scope_rule(_model)(by_place_path(_model.place_path))
scope_rule(Target)(in_or_above(Target.place_path, Target.place_id))


def owned_by_agency(column) -> ScopeRule:
    """Ownership rule: the row's agency is the caller."""

    def rule(principal: Principal):
        return column == principal.id

    return rule


agency_rule(Agency)(owned_by_agency(Agency.id))
for _owned in (AgencyPlace, ApiKey, Policy, Support, WebhookEndpoint, WebhookDelivery):
    agency_rule(_owned)(owned_by_agency(_owned.agency_id))


@agency_rule(Event)
def _agency_events(principal: Principal):
    """Events of the agency's own records, and those of no agency (households, reviews)."""
    return or_(Event.agency_id.is_(None), Event.agency_id == principal.id)
