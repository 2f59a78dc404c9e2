"""Recording a support delivered to a household (an officer's record, not an agency's)."""

import asyncio

from fastapi import APIRouter, Request
from starlette.responses import Response

from web.client import ApiClient
from web.deps import Api
from web.forms import fieldwork as forms
from web.forms.fields import form_text
from web.forms.state import FormState
from web.forms.submit import or_default, submit
from web.htmx import redirect
from web.labels_field import FUNDING_SOURCE, SUPPORT_STATUS
from web.rendering import render
from web.schemas import Household, Page
from web.schemas_field import Need, Policy
from web.screens import household_for_form, key_for_retry, new_idempotency_key, profile_url, today

router = APIRouter()


async def _render(
    request: Request,
    api: ApiClient,
    household: Household,
    form: FormState,
    *,
    idempotency_key: str,
    status_code: int = 200,
) -> Response:
    policies, needs = await asyncio.gather(
        or_default(api.list_policies(active=True), Page[Policy](items=[])),
        or_default(api.list_needs(household_id=household.id, status="open"), Page[Need](items=[])),
    )
    context = {
        "household": household,
        "form": form,
        "policies": policies.items,
        "needs": needs.items,
        "funding_sources": list(FUNDING_SOURCE),
        "statuses": list(SUPPORT_STATUS),
        "idempotency_key": idempotency_key,
    }
    return render(request, "pages/support_form.html", context, status_code=status_code)


@router.get("/households/{household_id}/supports/new")
async def new_support(request: Request, household_id: str, api: Api, need_id: str = "") -> Response:
    household = (await api.get_household(household_id)).value
    form = forms.blank_support(delivered_on=today().isoformat(), need_id=need_id)
    return await _render(request, api, household, form, idempotency_key=new_idempotency_key())


@router.post("/households/{household_id}/supports/new")
async def record_support(request: Request, household_id: str, api: Api) -> Response:
    submitted = await request.form()
    form = forms.support_from(submitted)
    key = form_text(submitted, "idempotency_key")
    call = api.record_support(forms.support_payload(form, household_id), idempotency_key=key)
    # The API's own names for the fields an officer cannot see (policy_code is the agencies').
    outcome = await submit(request, form, call, aliases={"policy_code": "policy_id"})
    if outcome.ok:
        return redirect(request, profile_url(household_id, saved="support", anchor="supports"))
    household = await household_for_form(api, household_id)
    return await _render(
        request,
        api,
        household,
        form,
        idempotency_key=key_for_retry(key, outcome.status),
        status_code=outcome.status or 422,
    )
