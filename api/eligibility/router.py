"""Eligibility for agencies: decisions and reason codes, not the household's personal data."""

from typing import Annotated

from fastapi import APIRouter, Query

from api.auth.principal import Principal
from api.db import SessionDep
from api.deps import READ_ROLES, document_scopes, require_scope
from api.eligibility import service
from api.eligibility.schemas import CitizenLookup, Eligibility
from api.errors import Forbidden

router = APIRouter(tags=["eligibility"])

EligibilityReader = Annotated[Principal, require_scope("eligibility:read", roles=READ_ROLES)]
CitizenLookupReader = Annotated[Principal, require_scope("citizens:lookup", roles=READ_ROLES)]


def _agency_filter(principal: Principal, agency_id: str | None) -> str | None:
    # An agency sees its own policies anyway (scoping); officers may narrow to one agency.
    return None if principal.kind == "agency" else agency_id


@router.get("/households/{household_id}/eligibility", response_model=Eligibility)
def household_eligibility(
    household_id: str,
    session: SessionDep,
    principal: EligibilityReader,
    agency_id: str | None = Query(None, max_length=32, description="Officers: one agency only"),
):
    """The household's status and flags and, for each of the calling agency's active
    policies, eligible or not with reason codes. No names, addresses or citizen IDs."""
    household = service.get_household_or_raise(session, household_id)
    return service.eligibility(
        session,
        principal=principal,
        household=household,
        agency_id=_agency_filter(principal, agency_id),
    )


@router.post("/eligibility/lookup", response_model=Eligibility)
def eligibility_by_citizen_id(
    data: CitizenLookup, session: SessionDep, principal: CitizenLookupReader
):
    """The same answer found by a member's 12-digit citizen ID (scope citizens:lookup; sent in
    the body so it never lands in URLs or access logs; every lookup is audited with its
    purpose)."""
    if principal.kind == "agency" and "eligibility:read" not in principal.scopes:
        raise Forbidden("A lookup answers with eligibility: the key needs eligibility:read too.")
    household = service.household_by_citizen_id(
        session, principal=principal, citizen_id=data.citizen_id, purpose=data.purpose
    )
    return service.eligibility(
        session,
        principal=principal,
        household=household,
        agency_id=_agency_filter(principal, data.agency_id),
    )


document_scopes(router)
