"""The officer's home page (the dashboard with charts comes later)."""

from fastapi import APIRouter, Request
from starlette.responses import Response

from web.deps import Api, OfficerSession
from web.reference import load_places
from web.rendering import render

router = APIRouter()


@router.get("/")
async def home(request: Request, session: OfficerSession, api: Api) -> Response:
    directory = await load_places(api)
    officer = session.officer
    assert officer is not None  # OfficerSession guarantees a signed-in officer
    places = [directory.by_id[pid] for pid in officer.place_ids if pid in directory.by_id]
    # Places the list did not return (not visible to this officer) still show, by id.
    unknown_place_ids = [pid for pid in officer.place_ids if pid not in directory.by_id]
    return render(
        request,
        "pages/home.html",
        {"places": places, "unknown_place_ids": unknown_place_ids},
    )
