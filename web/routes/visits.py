"""Recording a monitoring visit to a household (a plain form; htmx is not needed)."""

import asyncio

from fastapi import APIRouter, Request
from starlette.responses import Response

from web.client import ApiClient
from web.deps import Api, OfficerSession
from web.forms import fieldwork as forms
from web.forms.fields import form_text
from web.forms.state import FormState
from web.forms.submit import or_default, submit
from web.htmx import redirect
from web.labels_field import INCOME_CHANGE, PURPOSE, RISK_RATING, SHOCK
from web.rendering import render
from web.schemas import Household, Page
from web.schemas_field import Need, Person
from web.screens import household_for_form, key_for_retry, new_idempotency_key, profile_url, today

router = APIRouter()
EMPTY_NEEDS = Page[Need](items=[])


async def visitors_for(api: ApiClient, household: Household) -> list[Person]:
    """Active people who may visit: those registered in the household's commune."""
    page = await api.list_persons(place_id=household.commune_id or household.place_id)
    return page.items


async def own_person(api: ApiClient, user_id: str) -> Person | None:
    """The officer's own person record, if they have one."""
    page = await api.list_persons(user_id=user_id, active=None)
    return page.items[0] if page.items else None


async def _render(
    request: Request,
    api: ApiClient,
    household: Household,
    form: FormState,
    *,
    me: Person | None,
    idempotency_key: str,
    status_code: int = 200,
) -> Response:
    visitors, needs = await asyncio.gather(
        or_default(visitors_for(api, household), []),
        or_default(api.list_needs(household_id=household.id, status="open"), EMPTY_NEEDS),
    )
    if me is not None and all(person.id != me.id for person in visitors):
        visitors.insert(0, me)
    context = {
        "household": household,
        "form": form,
        "visitors": visitors,
        "me": me,
        "needs": needs.items,
        "purposes": list(PURPOSE),
        "shocks": list(SHOCK),
        "income_changes": list(INCOME_CHANGE),
        "risk_ratings": list(RISK_RATING),
        "idempotency_key": idempotency_key,
    }
    return render(request, "pages/visit_form.html", context, status_code=status_code)


async def _default_visitor(api: ApiClient, household_id: str, me: Person | None) -> str:
    if me is not None:
        return me.id
    in_charge = await api.list_assignments(household_id=household_id, active=True)
    return in_charge.items[0].person_id if in_charge.items else ""


@router.get("/households/{household_id}/visits/new")
async def new_visit(
    request: Request, household_id: str, api: Api, session: OfficerSession
) -> Response:
    assert session.officer is not None
    versioned, me = await asyncio.gather(
        api.get_household(household_id), own_person(api, session.officer.id)
    )
    form = forms.blank_visit(
        visitor_id=await _default_visitor(api, household_id, me),
        visited_on=today().isoformat(),
    )
    return await _render(
        request, api, versioned.value, form, me=me, idempotency_key=new_idempotency_key()
    )


@router.post("/households/{household_id}/visits/new")
async def record_visit(
    request: Request, household_id: str, api: Api, session: OfficerSession
) -> Response:
    assert session.officer is not None
    submitted = await request.form()
    form = forms.visit_from(submitted)
    key = form_text(submitted, "idempotency_key")
    call = api.record_visit(forms.visit_payload(form, household_id), idempotency_key=key)
    outcome = await submit(request, form, call)
    if outcome.ok:
        return redirect(request, profile_url(household_id, saved="visit", anchor="visits"))
    household, me = await asyncio.gather(
        household_for_form(api, household_id),
        or_default(own_person(api, session.officer.id), None),
    )
    return await _render(
        request,
        api,
        household,
        form,
        me=me,
        idempotency_key=key_for_retry(key, outcome.status),
        status_code=outcome.status or 422,
    )
