"""The home dashboard: the officer's places at a glance, with charts drawn on the server."""

import asyncio

from fastapi import APIRouter, Request
from starlette.responses import Response

from web.dashboard import TRANSITION_SERIES, load_dashboard
from web.deps import Api, OfficerSession
from web.reference import load_places
from web.rendering import render

router = APIRouter()


@router.get("/")
async def dashboard(
    request: Request, session: OfficerSession, api: Api, place_id: str | None = None
) -> Response:
    officer = session.officer
    assert officer is not None  # OfficerSession guarantees a signed-in officer
    if place_id is None:
        # One place: that one; several (or an administrator's none): everything visible.
        place_id = officer.place_ids[0] if len(officer.place_ids) == 1 else ""
    places, data = await asyncio.gather(
        load_places(api), load_dashboard(api, place_id=place_id or None)
    )
    anchor = place_id or (officer.place_ids[0] if officer.place_ids else "")
    data.choose_target(places.chain_of(anchor))
    context = {
        "data": data,
        "places": places,
        "place_id": place_id,
        "place_options": [
            (place.id, "\u2003" * places.depth_of(place) + place.name)
            for place in places.sorted_places()
            if place.level not in ("hamlet", "quarter")
        ],
        "transition_series": TRANSITION_SERIES,
    }
    return render(request, "pages/dashboard.html", context)
