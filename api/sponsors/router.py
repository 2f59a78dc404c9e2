"""/api/v1/sponsors and /api/v1/sponsorships: who helps which household, pledged vs delivered."""

from datetime import date
from typing import Annotated

from fastapi import APIRouter, Depends, Query, Request, Response, status
from sqlalchemy import false
from sqlmodel import select

from api.core.etag import require_if_match, set_etag
from api.core.pagination import PageParams, page_params, paginate
from api.core.text import fold
from api.db import SessionDep
from api.deps import Reader, Writer
from api.models import Place, Sponsor, Sponsorship, SponsorshipPledge
from api.sponsors import delivered, service
from api.sponsors.schemas import (
    ContributionCreate,
    ContributionPublic,
    PledgeCreate,
    SponsorCreate,
    SponsorKind,
    SponsorPage,
    SponsorPublic,
    SponsorshipCreate,
    SponsorshipPage,
    SponsorshipPublic,
    SponsorshipReport,
    SponsorshipUpdate,
    SponsorUpdate,
)

sponsors_router = APIRouter(prefix="/sponsors", tags=["sponsorship"])
sponsorships_router = APIRouter(prefix="/sponsorships", tags=["sponsorship"])


def _within(session, column, place_id: str):
    path = session.exec(select(Place.path).where(Place.id == place_id)).first()
    return column.startswith(path, autoescape=True) if path else false()


def _one(session, sponsorship) -> dict:
    return delivered.sponsorships_public(session, [sponsorship])[0]


@sponsors_router.post("", response_model=SponsorPublic, status_code=status.HTTP_201_CREATED)
def create_sponsor(data: SponsorCreate, session: SessionDep, principal: Writer, response: Response):
    """Register a well-off household, mass organisation, business or philanthropist."""
    sponsor = service.create_sponsor(session, principal=principal, data=data)
    set_etag(response, sponsor)
    response.headers["Location"] = f"/api/v1/sponsors/{sponsor.id}"
    return sponsor


@sponsors_router.get("", response_model=SponsorPage, response_model_exclude_unset=True)
def list_sponsors(
    request: Request,
    response: Response,
    session: SessionDep,
    principal: Reader,
    page: Annotated[PageParams, Depends(page_params)],
    kind: SponsorKind | None = None,
    place_id: str | None = Query(None, max_length=32, description="Whole subtree"),
    active: bool | None = None,
    q: str | None = Query(None, max_length=200, description="Name, ignoring case and diacritics"),
):
    """Sponsors of the caller's places and of the places above them."""
    stmt = select(Sponsor)
    if kind is not None:
        stmt = stmt.where(Sponsor.kind == kind)
    if place_id is not None:
        stmt = stmt.where(_within(session, Sponsor.place_path, place_id))
    if active is not None:
        stmt = stmt.where(Sponsor.is_active == active)
    if q and q.strip():
        stmt = stmt.where(Sponsor.name_search.contains(fold(q), autoescape=True))
    return paginate(
        session, stmt, order=[(Sponsor.id, False)], params=page, request=request, response=response
    )


@sponsors_router.get("/{sponsor_id}", response_model=SponsorPublic)
def read_sponsor(sponsor_id: str, session: SessionDep, principal: Reader, response: Response):
    sponsor = service.get_sponsor_or_raise(session, sponsor_id)
    set_etag(response, sponsor)
    return sponsor


@sponsors_router.patch("/{sponsor_id}", response_model=SponsorPublic)
def update_sponsor(
    sponsor_id: str,
    data: SponsorUpdate,
    request: Request,
    response: Response,
    session: SessionDep,
    principal: Writer,
):
    """Edit a sponsor (needs If-Match)."""
    sponsor = service.get_sponsor_or_raise(session, sponsor_id, for_update=True)
    require_if_match(request, sponsor)
    sponsor = service.update_sponsor(session, principal=principal, sponsor=sponsor, data=data)
    set_etag(response, sponsor)
    return sponsor


@sponsorships_router.post("", response_model=SponsorshipPublic, status_code=201)
def create_sponsorship(
    data: SponsorshipCreate, session: SessionDep, principal: Writer, response: Response
):
    """One or more sponsors pledge help (VND and/or items in words) to one household."""
    sponsorship = service.create_sponsorship(session, principal=principal, data=data)
    set_etag(response, sponsorship)
    response.headers["Location"] = f"/api/v1/sponsorships/{sponsorship.id}"
    return _one(session, sponsorship)


@sponsorships_router.get("", response_model=SponsorshipPage, response_model_exclude_unset=True)
def list_sponsorships(
    request: Request,
    response: Response,
    session: SessionDep,
    principal: Reader,
    page: Annotated[PageParams, Depends(page_params)],
    household_id: str | None = Query(None, max_length=32),
    sponsor_id: str | None = Query(None, max_length=32),
    place_id: str | None = Query(None, max_length=32, description="Whole subtree"),
):
    """Sponsorships of the caller's households, newest first."""
    stmt = select(Sponsorship)
    if household_id is not None:
        stmt = stmt.where(Sponsorship.household_id == household_id)
    if sponsor_id is not None:
        pledged = select(SponsorshipPledge.sponsorship_id).where(
            SponsorshipPledge.sponsor_id == sponsor_id
        )
        stmt = stmt.where(Sponsorship.id.in_(pledged))
    if place_id is not None:
        stmt = stmt.where(_within(session, Sponsorship.place_path, place_id))
    order = [(Sponsorship.start_date, True), (Sponsorship.id, True)]
    result = paginate(session, stmt, order=order, params=page, request=request, response=response)
    result["items"] = delivered.sponsorships_public(session, result["items"])
    return result


@sponsorships_router.get("/report", response_model=SponsorshipReport)
def read_report(
    session: SessionDep,
    principal: Reader,
    place_id: str | None = Query(None, max_length=32, description="Households' whole subtree"),
    active_on: date | None = Query(None, description="Only sponsorships running on this day"),
):
    """Pledged versus delivered, per sponsor; delivered = support records linked to the
    sponsorship (status delivered, repaid or overdue)."""
    return delivered.pledged_vs_delivered(session, place_id=place_id, active_on=active_on)


@sponsorships_router.get("/{sponsorship_id}", response_model=SponsorshipPublic)
def read_sponsorship(
    sponsorship_id: str, session: SessionDep, principal: Reader, response: Response
):
    sponsorship = service.get_sponsorship_or_raise(session, sponsorship_id)
    set_etag(response, sponsorship)
    return _one(session, sponsorship)


@sponsorships_router.patch("/{sponsorship_id}", response_model=SponsorshipPublic)
def update_sponsorship(
    sponsorship_id: str,
    data: SponsorshipUpdate,
    request: Request,
    response: Response,
    session: SessionDep,
    principal: Writer,
):
    """Change the goal or end the sponsorship with a reason (needs If-Match)."""
    sponsorship = service.get_sponsorship_or_raise(session, sponsorship_id, for_update=True)
    require_if_match(request, sponsorship)
    sponsorship = service.update_sponsorship(
        session, principal=principal, sponsorship=sponsorship, data=data
    )
    set_etag(response, sponsorship)
    return _one(session, sponsorship)


@sponsorships_router.post(
    "/{sponsorship_id}/pledges", response_model=SponsorshipPublic, status_code=201
)
def add_pledge(
    sponsorship_id: str,
    data: PledgeCreate,
    session: SessionDep,
    principal: Writer,
    response: Response,
):
    """Another sponsor joins the sponsorship with its pledge."""
    sponsorship = service.get_sponsorship_or_raise(session, sponsorship_id, for_update=True)
    service.add_pledge(session, principal=principal, sponsorship=sponsorship, data=data)
    set_etag(response, sponsorship)
    return _one(session, sponsorship)


@sponsorships_router.post(
    "/{sponsorship_id}/contributions", response_model=ContributionPublic, status_code=201
)
def link_contribution(
    sponsorship_id: str, data: ContributionCreate, session: SessionDep, principal: Writer
):
    """Count a support record (funding source social mobilisation, delivered) of the household
    as a sponsor's contribution."""
    sponsorship = service.get_sponsorship_or_raise(session, sponsorship_id, for_update=True)
    link, support = delivered.link_contribution(
        session, principal=principal, sponsorship=sponsorship, data=data
    )
    return {
        **link.model_dump(include={"support_id", "sponsorship_id", "sponsor_id", "linked_at"}),
        **support.model_dump(include={"delivered_on", "amount_vnd", "quantity", "status"}),
    }
