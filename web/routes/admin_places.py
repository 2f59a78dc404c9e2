"""Administration: the index of admin pages, and the tree of places (adding a unit)."""

from fastapi import APIRouter, Request
from starlette.responses import Response

from web.client import ApiClient
from web.deps import Api
from web.forms import admin as forms
from web.forms.state import FormState
from web.forms.submit import submit
from web.htmx import redirect
from web.labels import PLACE_LEVEL
from web.labels_field import AREA
from web.reference import load_places
from web.rendering import render

router = APIRouter()


@router.get("/admin")
async def admin_index(request: Request, api: Api) -> Response:
    return render(request, "pages/admin_index.html")


async def _render_places(
    request: Request, api: ApiClient, form: FormState, *, status_code: int = 200
) -> Response:
    places = await load_places(api)
    context = {
        "places": places,
        "ordered": places.sorted_places(),
        "form": form,
        "levels": list(PLACE_LEVEL),
        "areas": list(AREA),
        "parent_options": [
            (place.id, "\u2003" * places.depth_of(place) + place.name)
            for place in places.sorted_places()
        ],
    }
    return render(request, "pages/admin_places.html", context, status_code=status_code)


@router.get("/admin/places")
async def list_places(request: Request, api: Api) -> Response:
    return await _render_places(request, api, FormState.blank(forms.PLACE_FIELDS))


@router.post("/admin/places")
async def create_place(request: Request, api: Api) -> Response:
    form = FormState.from_submission(await request.form(), forms.PLACE_FIELDS)
    outcome = await submit(request, form, api.create_place(forms.place_payload(form)))
    if outcome.ok:
        return redirect(request, "/admin/places")
    return await _render_places(request, api, form, status_code=outcome.status or 422)
