"""Household search (live, as you type) and the household profile."""

import asyncio
from urllib.parse import urlencode

from fastapi import APIRouter, Request
from starlette.responses import Response

from web.deps import Api
from web.i18n import locale_from
from web.labels import HOUSEHOLD_STATUS
from web.reference import load_ethnicities, load_places
from web.rendering import render, render_page_or_fragment

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
async def household_profile(request: Request, household_id: str, api: Api) -> Response:
    versioned, places, ethnicities = await asyncio.gather(
        api.get_household(household_id),
        load_places(api),
        load_ethnicities(api, locale_from(request)),
    )
    context = {"household": versioned.value, "places": places, "ethnicities": ethnicities}
    return render(request, "pages/household_profile.html", context)
