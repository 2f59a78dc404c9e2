"""People who help households (officers, union members, well-off households …) and who is
in charge of each household."""

import asyncio

from fastapi import APIRouter, Request
from starlette.responses import Response

from web.client import ApiClient
from web.deps import Api, OfficerSession
from web.forms import fieldwork as forms
from web.forms.fields import form_text
from web.forms.state import FormState
from web.forms.submit import submit
from web.htmx import redirect
from web.labels_field import ORGANISATION
from web.reference import load_places
from web.rendering import render
from web.routes.visits import visitors_for
from web.schemas import Household
from web.screens import profile_url, today
from web.security import safe_next_path

router = APIRouter()


@router.get("/people")
async def list_people(request: Request, api: Api, place_id: str = "") -> Response:
    places, persons = await asyncio.gather(
        load_places(api), api.list_persons(place_id=place_id or None, active=None)
    )
    context = {"persons": persons.items, "places": places, "place_id": place_id}
    return render(request, "pages/people.html", context)


async def _render_person_form(
    request: Request, api: ApiClient, form: FormState, *, status_code: int = 200
) -> Response:
    places = await load_places(api)
    context = {
        "form": form,
        "place_options": [
            (place.id, "\u2003" * places.depth_of(place) + place.name)
            for place in places.sorted_places()
        ],
        "organisations": list(ORGANISATION),
    }
    return render(request, "pages/person_form.html", context, status_code=status_code)


@router.get("/people/new")
async def new_person(request: Request, api: Api) -> Response:
    form = FormState.blank(forms.PERSON_FIELDS, organisation="commune_staff")
    return await _render_person_form(request, api, form)


@router.post("/people/new")
async def create_person(request: Request, api: Api) -> Response:
    form = forms.person_from(await request.form())
    outcome = await submit(request, form, api.create_person(forms.person_payload(form)))
    if outcome.ok:
        return redirect(request, "/people")
    return await _render_person_form(request, api, form, status_code=outcome.status or 422)


@router.post("/people/me")
async def register_me(request: Request, api: Api, session: OfficerSession) -> Response:
    """Create the signed-in officer's own person record (commune staff, their first place),
    then go back to the form that asked for it."""
    officer = session.officer
    assert officer is not None
    submitted = await request.form()
    next_path = safe_next_path(form_text(submitted, "next"))
    payload = {
        "full_name": officer.full_name,
        "organisation": "commune_staff",
        "place_id": officer.place_ids[0] if officer.place_ids else "",
        "user_id": officer.id,
    }
    form = FormState.blank(forms.PERSON_FIELDS)
    outcome = await submit(request, form, api.create_person(payload))
    if outcome.ok or (outcome.problem is not None and outcome.problem.status == 409):
        # 409: the officer already has a person record (a second click): that is the goal.
        return redirect(request, next_path)
    return await _render_person_form(request, api, form, status_code=outcome.status or 422)


async def _render_assignment(
    request: Request,
    api: ApiClient,
    household: Household,
    form: FormState,
    *,
    status_code: int = 200,
) -> Response:
    persons, history = await asyncio.gather(
        visitors_for(api, household), api.list_assignments(household_id=household.id)
    )
    current = next((a for a in history.items if a.active), None)
    context = {"household": household, "form": form, "persons": persons, "current": current}
    return render(request, "pages/assignment_form.html", context, status_code=status_code)


@router.get("/households/{household_id}/person-in-charge")
async def assignment_form(request: Request, household_id: str, api: Api) -> Response:
    household = (await api.get_household(household_id)).value
    form = FormState.blank(forms.ASSIGNMENT_FIELDS, start_date=today().isoformat())
    return await _render_assignment(request, api, household, form)


@router.post("/households/{household_id}/person-in-charge")
async def assign_person(request: Request, household_id: str, api: Api) -> Response:
    form = forms.assignment_from(await request.form())
    call = api.create_assignment(forms.assignment_payload(form, household_id))
    outcome = await submit(request, form, call)
    if outcome.ok:
        return redirect(request, profile_url(household_id, saved="assignment", anchor="in-charge"))
    household = (await api.get_household(household_id)).value
    return await _render_assignment(
        request, api, household, form, status_code=outcome.status or 422
    )
