"""Place scoping, applied in one place: every ORM SELECT of a scoped table is filtered.

A route never filters by the caller's places itself. The principal sits in
``session.info["principal"]``; this listener adds the criteria to every query, so a record
outside the caller's places is simply not found (404, never 403).
"""

from collections.abc import Callable

from sqlalchemy import event, false, or_, select
from sqlalchemy.orm import ORMExecuteState, with_loader_criteria
from sqlalchemy.sql.elements import ColumnElement
from sqlmodel import Session

from api.auth.principal import Principal
from api.models import (
    Assessment,
    AssessmentStep,
    AuditEntry,
    Event,
    Household,
    HouseholdMove,
    Member,
    Need,
    Place,
    StatusChange,
)

ScopeRule = Callable[[Principal], ColumnElement[bool]]
_RULES: dict[type, ScopeRule] = {}


def scope_rule(model: type) -> Callable[[ScopeRule], ScopeRule]:
    """Register how a table is limited to a principal's places."""

    def register(rule: ScopeRule) -> ScopeRule:
        _RULES[model] = rule
        return rule

    return register


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
    if principal is None or not principal.is_restricted:
        return
    if not state.is_select or state.is_column_load or state.is_relationship_load:
        return
    if state.execution_options.get("unscoped", False):
        return
    state.statement = state.statement.options(
        *[
            with_loader_criteria(model, rule(principal), include_aliases=True)
            for model, rule in _RULES.items()
        ]
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


@scope_rule(AssessmentStep)
def _steps(principal: Principal):
    inner = select(Assessment.id).where(path_within(Assessment.place_path, principal))
    return AssessmentStep.assessment_id.in_(inner)


@scope_rule(AuditEntry)
def _audit(principal: Principal):
    return path_within(AuditEntry.place_path, principal)


@scope_rule(Event)
def _events(principal: Principal):
    return path_within(Event.place_path, principal)
