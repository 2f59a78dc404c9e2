"""/api/v1/households and /api/v1/households/{id}/members."""

from typing import Annotated, Literal

from fastapi import APIRouter, Depends, Query, Request, Response, status
from sqlalchemy import func
from sqlmodel import select

from api.core.etag import etag_of, require_if_match, set_etag
from api.core.pagination import PageParams, page_params, paginate
from api.core.placefilter import households_within
from api.core.text import fold
from api.db import SessionDep
from api.deps import Reader, Writer
from api.households import service, views
from api.households.ethnicities import ETHNICITIES, MAJORITY
from api.households.schemas import (
    EthnicityList,
    HouseholdCreate,
    HouseholdDetail,
    HouseholdPage,
    HouseholdUpdate,
    MemberCreate,
    MemberPage,
    MemberPublic,
    MemberUpdate,
)
from api.models import Household, Member, StatusChange

router = APIRouter(prefix="/households", tags=["households"])
ethnicity_router = APIRouter(tags=["households"])

RevealQuery = Annotated[
    bool, Query(description="Unmask citizen IDs and phone numbers (needs purpose; logged)")
]
PurposeQuery = Annotated[str | None, Query(max_length=200, description="Why you need them")]


@ethnicity_router.get("/ethnicities", response_model=EthnicityList)
def list_ethnicities(principal: Reader):
    """The ethnicity codes households and members use."""
    return {
        "items": [
            {"code": c, "name_vi": vi, "name_en": en, "ethnic_minority": c != MAJORITY}
            for c, vi, en in ETHNICITIES
        ]
    }


@router.post("", response_model=HouseholdDetail, status_code=status.HTTP_201_CREATED)
def create_household(
    data: HouseholdCreate, session: SessionDep, principal: Writer, response: Response
):
    """Register a household and its members."""
    household = service.create_household(session, principal=principal, data=data)
    set_etag(response, household)
    response.headers["Location"] = f"/api/v1/households/{household.id}"
    return views.household_detail(session, household)


@router.get("", response_model=HouseholdPage, response_model_exclude_unset=True)
def list_households(
    request: Request,
    response: Response,
    session: SessionDep,
    principal: Reader,
    page: Annotated[PageParams, Depends(page_params)],
    place_id: str | None = Query(None, max_length=32, description="Any level: whole subtree"),
    status_: str | None = Query(None, alias="status", max_length=16),
    ethnicity: str | None = Query(None, max_length=32),
    ethnic_minority: bool | None = None,
    meritorious_service: bool | None = None,
    social_protection: bool | None = None,
    without_labour_capacity: bool | None = None,
    transition: str | None = Query(
        None, max_length=24, description="newly_poor, re_poor, escaped_poverty, … (with year)"
    ),
    year: int | None = Query(None, ge=2000, le=2100, description="Review year of `transition`"),
    archived: bool = Query(False, description="true lists archived households instead"),
    q: str | None = Query(
        None,
        max_length=200,
        description="Name or code; a 12-digit citizen ID for roles that may reveal them",
    ),
    sort: Literal["id", "-risk"] = Query(
        "id", description="-risk: highest re-poverty risk first, households not watched last"
    ),
):
    """Find households; text search ignores case and Vietnamese diacritics."""
    # Plain rows of every column (still an ORM statement, so the caller's scope applies).
    stmt = select(*HOUSEHOLD_COLUMNS).where(
        Household.archived_at.is_not(None) if archived else Household.archived_at.is_(None)
    )
    if place_id is not None:
        # An unknown or invisible place matches nothing, never everything.
        stmt = stmt.where(*households_within(session, place_id))
    if status_ is not None:
        stmt = stmt.where(Household.status == status_)
    if ethnicity is not None:
        stmt = stmt.where(Household.ethnicity == ethnicity)
    if ethnic_minority is not None:
        is_kinh = Household.ethnicity == MAJORITY
        stmt = stmt.where(~is_kinh if ethnic_minority else is_kinh)
    if meritorious_service is not None:
        stmt = stmt.where(Household.meritorious_service == meritorious_service)
    if social_protection is not None:
        stmt = stmt.where(Household.social_protection == social_protection)
    if without_labour_capacity is not None:
        stmt = stmt.where(Household.without_labour_capacity == without_labour_capacity)
    if transition is not None or year is not None:
        changes = select(StatusChange.household_id)
        if transition is not None:
            changes = changes.where(StatusChange.transition == transition)
        if year is not None:
            changes = changes.where(StatusChange.year == year)
        stmt = stmt.where(Household.id.in_(changes))
    if q and q.strip():
        stmt = stmt.where(_matches(q.strip(), by_citizen_id=views.may_reveal(principal)))
    order, key = [(Household.id, False)], None
    if sort == "-risk":
        order, key = [(RISK_ORDER, True), (Household.id, True)], _risk_key
    result = paginate(
        session,
        stmt,
        order=order,
        params=page,
        request=request,
        response=response,
        key=key,
    )
    result["items"] = [views.household_public_row(row) for row in result["items"]]
    return result


HOUSEHOLD_COLUMNS = [getattr(Household, column.key) for column in Household.__table__.columns]


# Households not watched (no score) sort below every score, the same on every backend.
RISK_ORDER = func.coalesce(Household.risk_score, -1)


def _risk_key(household: Household) -> list:
    score = household.risk_score
    return [-1 if score is None else score, household.id]


def _matches(q: str, *, by_citizen_id: bool):
    """A 12-digit query is a citizen ID (exact); anything else searches names and codes.

    Only callers who may reveal citizen IDs may look households up by one: a hit would
    otherwise confirm whose ID it is without the logged reveal. For the others a 12-digit
    query is just text (a code may be all digits)."""
    if by_citizen_id and len(q) == 12 and q.isdigit():
        holders = select(Member.household_id).where(Member.citizen_id == q)
        return Household.id.in_(holders)
    return Household.search_text.contains(fold(q), autoescape=True)


@router.get("/{household_id}", response_model=HouseholdDetail)
def read_household(
    household_id: str,
    request: Request,
    response: Response,
    session: SessionDep,
    principal: Reader,
    reveal: RevealQuery = False,
    purpose: PurposeQuery = None,
):
    """A household with its members and moves; citizen IDs masked unless revealed."""
    household = service.get_household_or_raise(session, household_id)
    unmasked = views.authorize_reveal(
        session, principal=principal, household=household, reveal=reveal, purpose=purpose
    )
    if not unmasked and request.headers.get("if-none-match") == etag_of(household):
        return Response(status_code=304, headers={"ETag": etag_of(household)})
    set_etag(response, household)
    return views.household_detail(session, household, reveal=unmasked)


@router.patch("/{household_id}", response_model=HouseholdDetail)
def update_household(
    household_id: str,
    data: HouseholdUpdate,
    request: Request,
    response: Response,
    session: SessionDep,
    principal: Writer,
):
    """Edit a household (needs If-Match); a new place_id records a move."""
    household = service.get_household_or_raise(session, household_id, for_update=True)
    require_if_match(request, household)
    household = service.update_household(
        session, principal=principal, household=household, data=data
    )
    set_etag(response, household)
    return views.household_detail(session, household)


@router.delete("/{household_id}", status_code=status.HTTP_204_NO_CONTENT)
def archive_household(
    household_id: str,
    request: Request,
    session: SessionDep,
    principal: Writer,
    reason: str | None = Query(None, max_length=300),
):
    """Archive (never erase) a household; needs If-Match."""
    household = service.get_household_or_raise(session, household_id, for_update=True)
    require_if_match(request, household)
    service.archive_household(session, principal=principal, household=household, reason=reason)
    return Response(status_code=204)


@router.post("/{household_id}/restore", response_model=HouseholdDetail)
def restore_household(
    household_id: str,
    request: Request,
    response: Response,
    session: SessionDep,
    principal: Writer,
):
    """Bring an archived household back (needs If-Match)."""
    household = service.get_household_or_raise(session, household_id, for_update=True)
    require_if_match(request, household)
    household = service.restore_household(session, principal=principal, household=household)
    set_etag(response, household)
    return views.household_detail(session, household)


@router.get("/{household_id}/members", response_model=MemberPage)
def list_members(
    household_id: str,
    session: SessionDep,
    principal: Reader,
    include_left: bool = Query(False, description="Also people who left the household"),
):
    household = service.get_household_or_raise(session, household_id)
    members = (
        service.all_members(session, household.id)
        if include_left
        else service.current_members(session, household.id)
    )
    return {"items": [views.member_public(m) for m in members], "next_page_token": None}


@router.post(
    "/{household_id}/members", response_model=MemberPublic, status_code=status.HTTP_201_CREATED
)
def add_member(
    household_id: str,
    data: MemberCreate,
    session: SessionDep,
    principal: Writer,
    response: Response,
):
    household = service.get_household_or_raise(session, household_id, for_update=True)
    member = service.add_member(session, principal=principal, household=household, data=data)
    set_etag(response, member)
    response.headers["Location"] = f"/api/v1/households/{household.id}/members/{member.id}"
    return views.member_public(member)


@router.get("/{household_id}/members/{member_id}", response_model=MemberPublic)
def read_member(
    household_id: str, member_id: str, session: SessionDep, principal: Reader, response: Response
):
    household = service.get_household_or_raise(session, household_id)
    member = service.get_member_or_raise(session, household, member_id)
    set_etag(response, member)
    return views.member_public(member)


@router.patch("/{household_id}/members/{member_id}", response_model=MemberPublic)
def update_member(
    household_id: str,
    member_id: str,
    data: MemberUpdate,
    request: Request,
    response: Response,
    session: SessionDep,
    principal: Writer,
):
    """Edit a member (needs If-Match); set left_on to record that they left."""
    household = service.get_household_or_raise(session, household_id, for_update=True)
    member = service.get_member_or_raise(session, household, member_id, for_update=True)
    require_if_match(request, member)
    member = service.update_member(
        session, principal=principal, household=household, member=member, data=data
    )
    set_etag(response, member)
    return views.member_public(member)
