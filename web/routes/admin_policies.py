"""Administration: the support policies of each agency."""

import asyncio

from fastapi import APIRouter, Request
from starlette.responses import Response

from web.client import ApiClient
from web.deps import Api
from web.forms import admin as forms
from web.forms.state import FormState
from web.forms.submit import submit
from web.htmx import redirect
from web.i18n import locale_from
from web.labels import ELIGIBLE_STATUS, POLICY_UNIT
from web.labels_field import CATEGORY, FUNDING_SOURCE
from web.rendering import render

router = APIRouter()


@router.get("/admin/policies")
async def list_policies(request: Request, api: Api) -> Response:
    policies, agencies = await asyncio.gather(api.list_policies(), api.list_agencies())
    names = {agency.id: agency.name for agency in agencies.items}
    context = {"policies": policies.items, "agency_names": names}
    return render(request, "pages/admin_policies.html", context)


async def _render_form(
    request: Request, api: ApiClient, form: FormState, *, status_code: int = 200
) -> Response:
    agencies = await api.list_agencies()
    locale = locale_from(request)
    context = {
        "form": form,
        "agency_options": [
            (a.id, a.name_en if locale == "en" and a.name_en else a.name) for a in agencies.items
        ],
        "categories": list(CATEGORY),
        "units": list(POLICY_UNIT),
        "funding_sources": list(FUNDING_SOURCE),
        "eligible_statuses": list(ELIGIBLE_STATUS),
    }
    return render(request, "pages/admin_policy_form.html", context, status_code=status_code)


@router.get("/admin/policies/new")
async def new_policy(request: Request, api: Api) -> Response:
    return await _render_form(
        request, api, FormState.blank(forms.POLICY_FIELDS, forms.POLICY_LISTS)
    )


@router.post("/admin/policies/new")
async def create_policy(request: Request, api: Api) -> Response:
    submitted = await request.form()
    form = FormState.from_submission(submitted, forms.POLICY_FIELDS, forms.POLICY_LISTS)
    outcome = await submit(request, form, api.create_policy(forms.policy_payload(form)))
    if outcome.ok:
        return redirect(request, "/admin/policies")
    return await _render_form(request, api, form, status_code=outcome.status or 422)
