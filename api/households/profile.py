"""/api/v1/households/{id}/profile: everything a household's profile page shows, in one call.

The web profile page used to make eight API calls (the household, its timeline, reviews,
needs, supports, visits, persons in charge, sponsorships) plus the whole list of places to
name a few of them; each call paid authentication, routing and a session of its own, which
cost more than its queries. This answer is those same answers side by side: each section
is the first page of the matching list endpoint (same query, order, scope and shape), and
its `next_page_token` continues on that endpoint with the same filter.
"""

from typing import Any

from fastapi import APIRouter, Request, Response
from pydantic import BaseModel
from sqlmodel import select

from api.assessments.router import assessment_public
from api.assessments.schemas import AssessmentPage
from api.core.etag import etag_of
from api.core.pagination import PageParams, paginate
from api.db import SessionDep
from api.deps import Reader
from api.households import service, views
from api.households.schemas import HouseholdDetail
from api.models import Assessment, Assignment, Need, Place, Sponsorship, Support, Visit
from api.needs.schemas import NeedPage
from api.people import assignments as assignment_service
from api.people.schemas import AssignmentPage
from api.places.schemas import PlacePublic
from api.sponsors import delivered
from api.sponsors.schemas import SponsorshipPage
from api.supports.schemas import SupportPage
from api.timeline.service import household_timeline
from api.visits import service as visit_service
from api.visits.schemas import VisitPage

router = APIRouter(tags=["households"])

# Rows per section: what the profile page shows (the rest is one list call away).
PAGE_SIZES = {
    "assessments": 50,
    "needs": 200,
    "supports": 100,
    "visits": 10,
    "assignments": 500,
    "sponsorships": 50,
}


class TimelineSection(BaseModel):
    household_id: str
    status: str
    items: list[dict[str, Any]]


class HouseholdProfile(BaseModel):
    household: HouseholdDetail
    household_etag: str  # the ETag GET /households/{id} gives (for If-Match on a PATCH)
    places: list[PlacePublic]  # the places the household and its moves name, as visible
    timeline: TimelineSection
    assessments: AssessmentPage
    needs: NeedPage
    supports: SupportPage
    visits: VisitPage
    assignments: AssignmentPage
    sponsorships: SponsorshipPage


@router.get(
    "/households/{household_id}/profile",
    response_model=HouseholdProfile,
    response_model_exclude_unset=True,  # as the list endpoints: no "total": null
)
def read_profile(household_id: str, request: Request, session: SessionDep, principal: Reader):
    """The household (citizen IDs and phones masked: revealing them stays a logged
    GET /households/{id}?reveal=true), its timeline and the first page of each of its lists.
    Supports read by an officer here, as on GET /supports. No ETag: the answer joins many
    records; `household_etag` is the household's own."""
    household = service.get_household_or_raise(session, household_id)
    detail = views.household_detail(session, household)

    def first_page(name: str, stmt, order, public) -> dict[str, Any]:
        # paginate() also writes a Link header for the next page: this answer has none.
        params = PageParams(page_size=PAGE_SIZES[name], page_token=None, with_total=False)
        page = paginate(
            session, stmt, order=order, params=params, request=request, response=Response()
        )
        page["items"] = public(page["items"])
        return page

    def same(items):
        return items

    def assignments_public(items):
        persons = assignment_service.persons_by_id(session, {a.person_id for a in items})
        return [assignment_service.assignment_public(a, persons) for a in items]

    place_ids = {household.place_id, household.commune_id}
    place_ids |= {m.from_place_id for m in detail.moves} | {m.to_place_id for m in detail.moves}
    places = session.exec(select(Place).where(Place.id.in_(sorted(filter(None, place_ids)))))
    return {
        "household": detail,
        "household_etag": etag_of(household),
        "places": list(places),
        "timeline": {
            "household_id": household.id,
            "status": household.status,
            "items": household_timeline(session, household),
        },
        "assessments": first_page(
            "assessments",
            select(Assessment).where(Assessment.household_id == household.id),
            [(Assessment.year, True), (Assessment.id, True)],
            lambda items: [assessment_public(session, a, with_steps=False) for a in items],
        ),
        "needs": first_page(
            "needs",
            select(Need).where(Need.household_id == household.id),
            [(Need.id, False)],
            same,
        ),
        "supports": first_page(
            "supports",
            select(Support).where(Support.household_id == household.id),
            [(Support.id, True)],
            same,
        ),
        "visits": first_page(
            "visits",
            select(Visit).where(Visit.household_id == household.id),
            [(Visit.visited_on, True), (Visit.id, True)],
            lambda items: visit_service.visits_public(session, items),
        ),
        "assignments": first_page(
            "assignments",
            select(Assignment).where(Assignment.household_id == household.id),
            [
                (Assignment.start_date, False),
                (Assignment.created_at, False),
                (Assignment.id, False),
            ],
            assignments_public,
        ),
        "sponsorships": first_page(
            "sponsorships",
            select(Sponsorship).where(Sponsorship.household_id == household.id),
            [(Sponsorship.start_date, True), (Sponsorship.id, True)],
            lambda items: delivered.sponsorships_public(session, items),
        ),
    }
