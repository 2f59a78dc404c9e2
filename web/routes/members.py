"""Adding a member to a household and editing one (with If-Match: a conflict shows the
member as it is now)."""

from fastapi import APIRouter, Request
from starlette.responses import Response

from web.client import ApiClient
from web.deps import Api
from web.forms import member as forms
from web.forms.fields import form_text
from web.forms.state import FormState
from web.forms.submit import submit
from web.htmx import redirect
from web.labels import GENDER, RELATION
from web.labels_field import EDUCATION
from web.rendering import render
from web.schemas import Household
from web.screens import household_for_form, new_idempotency_key, profile_url, segment

router = APIRouter()


async def _render(
    request: Request,
    household: Household,
    form: FormState,
    *,
    member_id: str | None,
    etag: str = "",
    conflict: bool = False,
    status_code: int = 200,
) -> Response:
    base = profile_url(household.id)
    action = f"{base}/members/{segment(member_id)}/edit" if member_id else f"{base}/members/new"
    context = {
        "household": household,
        "form": form,
        "action": action,
        "mode": "edit" if member_id else "create",
        "etag": etag,
        "conflict": conflict,
        "idempotency_key": "" if member_id else new_idempotency_key(),
        "gender_options": list(GENDER),
        "relation_options": list(RELATION),
        "education_options": list(EDUCATION),
    }
    return render(request, "pages/member_form.html", context, status_code=status_code)


async def _household(api: ApiClient, household_id: str) -> Household:
    return await household_for_form(api, household_id)


@router.get("/households/{household_id}/members/new")
async def new_member(request: Request, household_id: str, api: Api) -> Response:
    household = (await api.get_household(household_id)).value
    return await _render(request, household, forms.blank_member(), member_id=None)


@router.post("/households/{household_id}/members/new")
async def add_member(request: Request, household_id: str, api: Api) -> Response:
    submitted = await request.form()
    form = forms.member_from(submitted)
    key = form_text(submitted, "idempotency_key")
    call = api.add_member(household_id, forms.create_payload(form), idempotency_key=key or None)
    outcome = await submit(request, form, call)
    if outcome.ok:
        return redirect(request, profile_url(household_id, saved="member", anchor="members"))
    household = await _household(api, household_id)
    return await _render(
        request, household, form, member_id=None, status_code=outcome.status or 422
    )


@router.get("/households/{household_id}/members/{member_id}/edit")
async def edit_member(request: Request, household_id: str, member_id: str, api: Api) -> Response:
    household = (await api.get_household(household_id)).value
    current = await api.get_member(household_id, member_id)
    form = forms.member_values(current.value)
    return await _render(request, household, form, member_id=member_id, etag=current.etag)


@router.post("/households/{household_id}/members/{member_id}/edit")
async def update_member(request: Request, household_id: str, member_id: str, api: Api) -> Response:
    submitted = await request.form()
    form = forms.member_from(submitted)
    etag = form_text(submitted, "etag")
    call = api.update_member(household_id, member_id, forms.update_payload(form), etag=etag)
    outcome = await submit(request, form, call)
    if outcome.ok:
        return redirect(request, profile_url(household_id, saved="member", anchor="members"))
    household = await _household(api, household_id)
    if outcome.conflict:
        # Someone else saved first: show the member as it is now, with its new version.
        current = await api.get_member(household_id, member_id)
        return await _render(
            request,
            household,
            forms.member_values(current.value),
            member_id=member_id,
            etag=current.etag,
            conflict=True,
            status_code=409,
        )
    return await _render(
        request, household, form, member_id=member_id, etag=etag, status_code=outcome.status or 422
    )
