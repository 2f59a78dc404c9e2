"""Administration: poverty-reduction targets (a place, a year, the highest rate allowed)."""

from fastapi import APIRouter, Request
from starlette.responses import Response

from web.client import ApiClient
from web.deps import Api
from web.forms.convert import compact, text_or_none, whole_number
from web.forms.state import FormState
from web.forms.submit import submit
from web.htmx import redirect
from web.reference import load_places
from web.rendering import render

router = APIRouter()
FIELDS = ("place_id", "year", "kind", "max_rate", "source_note")
KINDS = ("poor", "near_poor")


def _rate(value: str) -> float | str | None:
    """``4``, ``4,5`` or ``4.5`` (percent) → a number; anything else as typed."""
    value = value.strip().replace(",", ".").rstrip("%").strip()
    if not value:
        return None
    try:
        return float(value)
    except ValueError:
        return value


def _payload(form: FormState) -> dict:
    text = form.value_of
    return compact(
        {
            "place_id": text("place_id") or None,
            "year": whole_number(text("year")),
            "kind": text("kind") or None,
            "max_rate": _rate(text("max_rate")),
            "source_note": text_or_none(text("source_note")),
        }
    )


async def _render(
    request: Request, api: ApiClient, form: FormState, *, status_code: int = 200
) -> Response:
    places = await load_places(api)
    targets = await api.list_targets()
    context = {
        "targets": sorted(targets.items, key=lambda t: (t.year, t.kind)),
        "form": form,
        "kinds": KINDS,
        "places": places,
        "place_options": [
            (place.id, "\u2003" * places.depth_of(place) + place.name)
            for place in places.sorted_places()
            if place.level not in ("hamlet", "quarter")
        ],
    }
    return render(request, "pages/admin_targets.html", context, status_code=status_code)


@router.get("/admin/targets")
async def list_targets(request: Request, api: Api) -> Response:
    return await _render(request, api, FormState.blank(FIELDS, kind="poor"))


@router.post("/admin/targets")
async def create_target(request: Request, api: Api) -> Response:
    form = FormState.from_submission(await request.form(), FIELDS)
    outcome = await submit(request, form, api.create_target(_payload(form)))
    if outcome.ok:
        return redirect(request, "/admin/targets")
    return await _render(request, api, form, status_code=outcome.status or 422)


@router.post("/admin/targets/{target_id}/delete")
async def delete_target(request: Request, target_id: str, api: Api) -> Response:
    current = await api.get_target(target_id)
    await api.delete_target(target_id, etag=current.etag)
    return redirect(request, "/admin/targets")
