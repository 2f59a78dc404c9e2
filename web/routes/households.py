"""Household search (live, as you type) and the household profile."""

import asyncio
from urllib.parse import urlencode

from fastapi import APIRouter, Request
from starlette.responses import Response

from web import timeline as timeline_view
from web.deps import Api
from web.i18n import locale_from, translations_for
from web.labels import HOUSEHOLD_STATUS
from web.reference import PlaceDirectory, load_ethnicities, load_places
from web.rendering import render, render_page_or_fragment
from web.screens import saved_notice

router = APIRouter()

SEARCH_FILTERS = ("q", "place_id", "status", "ethnicity")
SEARCH_PAGE_SIZE = 25


def _more_url(filters: dict[str, str], next_page_token: str | None) -> str | None:
    if not next_page_token:
        return None
    query = {name: value for name, value in filters.items() if value}
    return "/households?" + urlencode({**query, "page_token": next_page_token})


@router.get("/households")
async def search_households(request: Request, api: Api) -> Response:
    filters = {name: request.query_params.get(name, "").strip() for name in SEARCH_FILTERS}
    page_token = request.query_params.get("page_token", "")
    # q goes to the API as typed: the API ignores diacritics and case.
    places, ethnicities, page = await asyncio.gather(
        load_places(api),
        load_ethnicities(api, locale_from(request)),
        api.list_households(**filters, page_size=SEARCH_PAGE_SIZE, page_token=page_token),
    )
    context = {
        "filters": filters,
        "households": page.items,
        "more_url": _more_url(filters, page.next_page_token),
        "places": places,
        "ethnicities": ethnicities,
        "statuses": list(HOUSEHOLD_STATUS),
        "is_first_page": not page_token,
    }
    # "More" asks for the next rows only, appended in place of its own link.
    fragment = "partials/household_rows.html" if page_token else "partials/household_results.html"
    return render_page_or_fragment(
        request, page="pages/household_search.html", fragment=fragment, context=context
    )


@router.get("/households/{household_id}")
async def household_profile(
    request: Request, household_id: str, api: Api, saved: str = ""
) -> Response:
    locale = locale_from(request)
    # One API call for the household's own records (the API's composite answer), beside the
    # small reference lists, which the client caches. The places come with the profile, only
    # those it names: a province administrator's whole list of places cost more to read than
    # the rest of the page.
    profile, ethnicities, policies = await asyncio.gather(
        api.household_profile(household_id),
        load_ethnicities(api, locale),
        api.list_policies(),
    )
    places = PlaceDirectory(profile.places)
    assignments, visits = profile.assignments.items, profile.visits.items
    person_names = {a.person_id: a.person.full_name for a in assignments if a.person}
    person_names |= {v.visitor.id: v.visitor.full_name for v in visits if v.visitor}
    gettext = translations_for(request).gettext
    context = {
        "household": profile.household,
        "places": places,
        "ethnicities": ethnicities,
        "saved": saved_notice(saved),
        "status_changes": timeline_view.status_changes(profile.timeline.items, locale=locale),
        "timeline": timeline_view.describe(
            profile.timeline.items,
            gettext=gettext,
            locale=locale,
            places=places,
            person_names=person_names,
        ),
        "assessments": profile.assessments.items,
        "needs": sorted(profile.needs.items, key=lambda need: need.status != "open"),
        "supports": profile.supports.items,
        "policy_names": {p.id: p.name_in(locale) for p in policies.items},
        "visits": visits,
        "in_charge": next((a for a in assignments if a.active), None),
        "assignments": assignments,
        "sponsorships": profile.sponsorships.items,
    }
    return render(request, "pages/household_profile.html", context)
