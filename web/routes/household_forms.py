"""Create and edit households. Plain POST forms that htmx enhances; without JavaScript the
browser posts to the same URLs and gets a 303."""

import secrets
from typing import Any
from urllib.parse import quote

from fastapi import APIRouter, Request
from starlette.responses import Response

from web.client import ApiClient, ApiError, ApiUnavailable
from web.deps import Api
from web.errors import API_UNAVAILABLE
from web.forms.fields import form_text
from web.forms.household import HouseholdForm
from web.htmx import redirect
from web.i18n import locale_from, translations_for
from web.labels import GENDER, RELATION
from web.reference import EthnicityNames, PlaceDirectory, load_ethnicities, load_places
from web.rendering import render_page_or_fragment

router = APIRouter()

FORM_PROBLEM_STATUSES = frozenset({400, 409, 422})
VERSION_MISMATCH_STATUSES = frozenset({412, 428})


def profile_url(household_id: str) -> str:
    return f"/households/{quote(household_id, safe='')}"


async def _choices(request: Request, api: ApiClient) -> tuple[PlaceDirectory, EthnicityNames]:
    """The select options; empty when the API is down, so a typed form is still shown again."""
    locale = locale_from(request)
    try:
        return await load_places(api), await load_ethnicities(api, locale)
    except ApiUnavailable:
        return PlaceDirectory([]), EthnicityNames([], locale)


async def _render_form(
    request: Request,
    api: ApiClient,
    form: HouseholdForm,
    *,
    status_code: int = 200,
    **context: Any,
) -> Response:
    places, ethnicities = await _choices(request, api)
    context = {
        "form": form,
        "place_groups": places.household_place_groups(),
        "ethnicity_options": ethnicities.options(),
        "gender_options": list(GENDER),
        "relation_options": list(RELATION),
        "conflict": False,
        **context,
    }
    return render_page_or_fragment(
        request,
        page="pages/household_form.html",
        fragment="partials/household_form.html",
        context=context,
        status_code=status_code,
    )


def _create_context() -> dict[str, Any]:
    # A fresh key per rendered form: a double click replays, a corrected form is new.
    return {
        "mode": "create",
        "action": "/households/new",
        "household_id": None,
        "idempotency_key": secrets.token_urlsafe(16),
        "etag": "",
    }


def _edit_context(household_id: str, etag: str) -> dict[str, Any]:
    return {
        "mode": "edit",
        "action": f"{profile_url(household_id)}/edit",
        "household_id": household_id,
        "idempotency_key": "",
        "etag": etag,
    }


@router.get("/households/new")
async def new_household(request: Request, api: Api) -> Response:
    return await _render_form(request, api, HouseholdForm.blank(), **_create_context())


@router.post("/households/new")
async def create_household(request: Request, api: Api) -> Response:
    submitted = await request.form()
    form = HouseholdForm.from_submission(submitted, with_members=True)
    if form_text(submitted, "action") == "add_member":
        form.add_member_row()
        return await _render_form(request, api, form, **_create_context())
    if not form.check_place(translations_for(request).gettext):
        return await _render_form(request, api, form, status_code=422, **_create_context())
    try:
        household = await api.create_household(
            form.create_payload(), idempotency_key=form_text(submitted, "idempotency_key") or None
        )
    except ApiUnavailable:
        form.form_errors.append(translations_for(request).gettext(API_UNAVAILABLE.message))
        return await _render_form(request, api, form, status_code=503, **_create_context())
    except ApiError as exc:
        if exc.status not in FORM_PROBLEM_STATUSES:
            raise
        form.apply_problem(exc, translations_for(request).gettext)
        return await _render_form(request, api, form, status_code=422, **_create_context())
    return redirect(request, profile_url(household.id))


@router.get("/households/{household_id}/edit")
async def edit_household(request: Request, household_id: str, api: Api) -> Response:
    current = await api.get_household(household_id)
    form = HouseholdForm.from_household(current.value)
    return await _render_form(request, api, form, **_edit_context(household_id, current.etag))


@router.post("/households/{household_id}/edit")
async def update_household(request: Request, household_id: str, api: Api) -> Response:
    submitted = await request.form()
    form = HouseholdForm.from_submission(submitted, with_members=False)
    etag = form_text(submitted, "etag")
    if not form.check_place(translations_for(request).gettext):
        return await _render_form(
            request, api, form, status_code=422, **_edit_context(household_id, etag)
        )
    try:
        await api.update_household(household_id, form.changes_payload(), etag=etag)
    except ApiUnavailable:
        form.form_errors.append(translations_for(request).gettext(API_UNAVAILABLE.message))
        return await _render_form(
            request, api, form, status_code=503, **_edit_context(household_id, etag)
        )
    except ApiError as exc:
        if exc.status in VERSION_MISMATCH_STATUSES:
            return await _render_conflict(request, api, household_id)
        if exc.status not in FORM_PROBLEM_STATUSES:
            raise
        form.apply_problem(exc, translations_for(request).gettext)
        return await _render_form(
            request, api, form, status_code=422, **_edit_context(household_id, etag)
        )
    return redirect(request, profile_url(household_id))


async def _render_conflict(request: Request, api: ApiClient, household_id: str) -> Response:
    """The household changed since the form was shown: show what it is now, with its new
    version, so the officer re-applies their change knowingly instead of overwriting."""
    current = await api.get_household(household_id)
    form = HouseholdForm.from_household(current.value)
    return await _render_form(
        request,
        api,
        form,
        status_code=409,
        conflict=True,
        **_edit_context(household_id, current.etag),
    )
