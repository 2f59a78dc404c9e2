"""The officer's worklist: households due or overdue for a visit, most overdue first."""

import asyncio
from urllib.parse import urlencode

from fastapi import APIRouter, Request
from starlette.responses import Response

from web.deps import Api, OfficerSession
from web.reference import load_places
from web.rendering import render_page_or_fragment
from web.routes.visits import own_person

router = APIRouter()

SCOPES = ("all", "mine", "nobody")
WINDOWS = (0, 7, 30)
PAGE_SIZE = 30


@router.get("/worklist")
async def worklist(
    request: Request,
    api: Api,
    session: OfficerSession,
    scope: str = "all",
    place_id: str = "",
    within_days: int = 7,
    page_token: str = "",
) -> Response:
    assert session.officer is not None
    scope = scope if scope in SCOPES else "all"
    within_days = within_days if within_days in WINDOWS else 7
    places, me = await asyncio.gather(load_places(api), own_person(api, session.officer.id))
    person_id = {"mine": me.id if me else None, "nobody": "none"}.get(scope)
    due = await api.visits_due(
        within_days=within_days,
        place_id=place_id or None,
        person_id=person_id,
        page_size=PAGE_SIZE,
        page_token=page_token or None,
    )
    filters = {"scope": scope, "place_id": place_id, "within_days": str(within_days)}
    more_url = None
    if due.next_page_token:
        query = {k: v for k, v in filters.items() if v} | {"page_token": due.next_page_token}
        more_url = "/worklist?" + urlencode(query)
    context = {
        "due": due,
        "places": places,
        "filters": filters,
        "windows": WINDOWS,
        "me": me,
        "more_url": more_url,
        "is_first_page": not page_token,
    }
    fragment = "partials/worklist_rows.html" if page_token else "partials/worklist_results.html"
    return render_page_or_fragment(
        request, page="pages/worklist.html", fragment=fragment, context=context
    )
