"""Administration: member agencies and their API keys (a new key is shown once)."""

import asyncio

from fastapi import APIRouter, Request
from starlette.responses import Response

from web.client import ApiClient
from web.deps import Api
from web.forms import admin as forms
from web.forms.state import FormState
from web.forms.submit import submit
from web.htmx import redirect
from web.i18n import N_, translations_for
from web.labels import AGENCY_KIND
from web.rendering import render
from web.schemas_admin import CreatedKey
from web.screens import segment

KEY_ALREADY_MADE = N_(
    "A key was already created from this page (perhaps by reloading it). No new key was "
    "made: revoke a key you cannot use, then create one here."
)

router = APIRouter()


async def _render_agencies(
    request: Request, api: ApiClient, form: FormState, *, status_code: int = 200
) -> Response:
    agencies = await api.list_agencies()
    context = {"agencies": agencies.items, "form": form, "kinds": list(AGENCY_KIND)}
    return render(request, "pages/admin_agencies.html", context, status_code=status_code)


@router.get("/admin/agencies")
async def list_agencies(request: Request, api: Api) -> Response:
    return await _render_agencies(request, api, FormState.blank(forms.AGENCY_FIELDS))


@router.post("/admin/agencies")
async def create_agency(request: Request, api: Api) -> Response:
    form = FormState.from_submission(await request.form(), forms.AGENCY_FIELDS)
    outcome = await submit(request, form, api.create_agency(forms.agency_payload(form)))
    if outcome.ok and outcome.value is not None:
        return redirect(request, f"/admin/agencies/{segment(outcome.value.id)}")
    return await _render_agencies(request, api, form, status_code=outcome.status or 422)


async def _render_agency(
    request: Request,
    api: ApiClient,
    agency_id: str,
    form: FormState,
    *,
    created: CreatedKey | None = None,
    status_code: int = 200,
) -> Response:
    agency, keys, scopes = await asyncio.gather(
        api.get_agency(agency_id), api.list_keys(agency_id), api.list_scopes()
    )
    context = {"agency": agency, "keys": keys, "scopes": scopes, "form": form, "created": created}
    return render(request, "pages/admin_agency.html", context, status_code=status_code)


@router.get("/admin/agencies/{agency_id}")
async def show_agency(request: Request, agency_id: str, api: Api) -> Response:
    form = FormState.blank(forms.KEY_FIELDS, forms.KEY_LISTS)
    return await _render_agency(request, api, agency_id, form)


@router.post("/admin/agencies/{agency_id}/keys")
async def create_key(request: Request, agency_id: str, api: Api) -> Response:
    submitted = await request.form()
    form = FormState.from_submission(submitted, forms.KEY_FIELDS, forms.KEY_LISTS)
    seen = set(str(submitted.get("seen_keys") or "").split(","))
    if any(key.id not in seen for key in await api.list_keys(agency_id)):
        # A key was made since this form was drawn: most likely this very form, sent again
        # by a reload of the page that showed the key. Make no second one.
        gettext = translations_for(request).gettext
        form.form_errors.append(gettext(KEY_ALREADY_MADE))
        return await _render_agency(request, api, agency_id, form, status_code=409)
    outcome = await submit(
        request,
        form,
        api.create_key(agency_id, forms.key_payload(form)),
        aliases={"expires_at": "expires_on"},
    )
    if outcome.ok:
        # The key is shown on this answer only: no redirect, no copy kept by the web app.
        blank = FormState.blank(forms.KEY_FIELDS, forms.KEY_LISTS)
        return await _render_agency(
            request, api, agency_id, blank, created=outcome.value, status_code=201
        )
    return await _render_agency(request, api, agency_id, form, status_code=outcome.status or 422)


@router.post("/admin/agencies/{agency_id}/keys/{key_id}/revoke")
async def revoke_key(request: Request, agency_id: str, key_id: str, api: Api) -> Response:
    await api.revoke_key(agency_id, key_id)
    return redirect(request, f"/admin/agencies/{segment(agency_id)}")
