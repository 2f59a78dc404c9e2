"""Administration: user accounts (officers, auditors, administrators) and their places."""

import asyncio

from fastapi import APIRouter, Request
from starlette.responses import Response

from web.client import ApiClient
from web.deps import Api
from web.forms import admin as forms
from web.forms.state import FormState
from web.forms.submit import submit
from web.htmx import redirect
from web.reference import load_places
from web.rendering import render
from web.screens import segment

router = APIRouter()
ROLES = ("commune_officer", "admin", "auditor")


@router.get("/admin/users")
async def list_users(request: Request, api: Api) -> Response:
    users, places = await asyncio.gather(api.list_users(), load_places(api))
    return render(request, "pages/admin_users.html", {"users": users.items, "places": places})


async def _render_form(
    request: Request, api: ApiClient, form: FormState, *, status_code: int = 200
) -> Response:
    places = await load_places(api)
    context = {
        "form": form,
        "roles": ROLES,
        "place_options": [
            (place.id, "\u2003" * places.depth_of(place) + place.name)
            for place in places.sorted_places()
        ],
    }
    return render(request, "pages/admin_user_form.html", context, status_code=status_code)


@router.get("/admin/users/new")
async def new_user(request: Request, api: Api) -> Response:
    form = FormState.blank(forms.USER_FIELDS, forms.USER_LISTS, role="commune_officer")
    return await _render_form(request, api, form)


@router.post("/admin/users/new")
async def create_user(request: Request, api: Api) -> Response:
    form = FormState.from_submission(await request.form(), forms.USER_FIELDS, forms.USER_LISTS)
    outcome = await submit(request, form, api.create_user(forms.user_payload(form)))
    if outcome.ok:
        return redirect(request, "/admin/users")
    form.values["password"] = ""  # never sent back to the browser
    return await _render_form(request, api, form, status_code=outcome.status or 422)


@router.post("/admin/users/{user_id}/active")
async def set_active(request: Request, user_id: str, api: Api) -> Response:
    """Turn an account off (its sessions end) or on again, at its current version."""
    submitted = await request.form()
    current = await api.get_user(user_id)
    active = submitted.get("is_active") == "true"
    await api.update_user(user_id, {"is_active": active}, etag=current.etag)
    return redirect(request, f"/admin/users#user-{segment(user_id)}")
