"""The annual review of a household: the survey form with a live classification preview
(POST /api/v1/classify as the officer types), then the review's life-cycle steps.

Without JavaScript the form still posts; the classification is shown after saving.
"""

import asyncio

from fastapi import APIRouter, Request
from starlette.responses import Response

from web.client import ApiClient, ApiError, ApiUnavailable
from web.deps import Api
from web.errors import API_UNAVAILABLE
from web.forms import assessment as forms
from web.forms.fields import form_text
from web.forms.problem_messages import describe_field_problem
from web.forms.state import FormState
from web.forms.submit import or_default, submit
from web.htmx import add_vary, redirect
from web.i18n import translations_for
from web.reference import load_places
from web.rendering import render
from web.schemas import Household
from web.schemas_field import Assessment, Standard, StandardSummary
from web.screens import (
    household_for_form,
    key_for_retry,
    new_idempotency_key,
    profile_url,
    segment,
    today,
)

router = APIRouter()


def assessment_url(household_id: str, assessment_id: str) -> str:
    return f"{profile_url(household_id)}/assessments/{segment(assessment_id)}"


def _year_of(form: FormState) -> int:
    year = form.value_of("year")
    return int(year) if year.isdigit() else today().year


def _review_years(standards: list[StandardSummary], requested: int) -> list[int]:
    """Every review year a standard covers, up to this year, newest first; the requested
    year too, so the select never shows another year than the form is for."""
    this_year = today().year
    years = {
        year
        for standard in standards
        for year in range(standard.years["first"], min(standard.years["last"], this_year) + 1)
    }
    years.add(requested)
    return sorted(years, reverse=True)


async def _standard_for(api: ApiClient, standards: list[StandardSummary], year: int):
    summary = next((standard for standard in standards if standard.covers(year)), None)
    return await api.get_standard(summary.code) if summary else None


async def _render_form(
    request: Request,
    api: ApiClient,
    household: Household,
    form: FormState,
    *,
    idempotency_key: str,
    status_code: int = 200,
) -> Response:
    standards = await or_default(api.list_standards(), [])
    standard = await or_default(_standard_for(api, standards, _year_of(form)), None)
    preview = await _preview(request, api, form) if standard else {"result": None, "messages": []}
    context = {
        **preview,
        "household": household,
        "form": form,
        "standard": standard,
        "years": _review_years(standards, _year_of(form)),
        "idempotency_key": idempotency_key,
    }
    return render(request, "pages/assessment_form.html", context, status_code=status_code)


@router.get("/households/{household_id}/assessments/new")
async def new_assessment(
    request: Request, household_id: str, api: Api, year: int | None = None
) -> Response:
    versioned, places = await asyncio.gather(api.get_household(household_id), load_places(api))
    household = versioned.value
    form = forms.blank_assessment(
        year=year or today().year,
        survey_date=today().isoformat(),
        area=places.area_of(household.place_id),
    )
    return await _render_form(request, api, household, form, idempotency_key=new_idempotency_key())


@router.post("/households/{household_id}/assessments/new")
async def create_assessment(request: Request, household_id: str, api: Api) -> Response:
    submitted = await request.form()
    form = forms.assessment_from(submitted)
    key = form_text(submitted, "idempotency_key")
    call = api.create_assessment(household_id, forms.create_payload(form), idempotency_key=key)
    outcome = await submit(request, form, call)
    if outcome.ok and outcome.value is not None:
        return redirect(request, assessment_url(household_id, outcome.value.id))
    household = await household_for_form(api, household_id)
    return await _render_form(
        request,
        api,
        household,
        form,
        idempotency_key=key_for_retry(key, outcome.status),
        status_code=outcome.status or 422,
    )


async def _preview(request: Request, api: ApiClient, form: FormState) -> dict:
    """The classification the API gives these answers, or why it cannot give one yet."""
    gettext = translations_for(request).gettext
    try:
        return {"result": await api.classify(forms.classify_payload(form)), "messages": []}
    except ApiUnavailable:
        return {"result": None, "messages": [gettext(API_UNAVAILABLE.message)]}
    except ApiError as exc:
        if exc.status != 422:
            raise
        messages = [describe_field_problem(item, gettext) for item in exc.errors]
        return {"result": None, "messages": list(dict.fromkeys(messages)) or [exc.detail]}


@router.post("/households/{household_id}/assessments/preview")
async def preview_classification(request: Request, household_id: str, api: Api) -> Response:
    """The htmx fragment beside the form: what the API would classify these answers as."""
    form = forms.assessment_from(await request.form())
    context = await _preview(request, api, form)
    return add_vary(render(request, "partials/classification_preview.html", context))


def meeting_failed(assessment: Assessment) -> bool:
    """The last step was a hamlet meeting that sent the review back to the survey (fewer
    than half of those present agreed): the officer must be told, not left to guess."""
    if assessment.state != "draft" or not assessment.steps:
        return False
    last = assessment.steps[-1]
    return last.step == "meeting" and last.to_state == "draft"


async def _render_review(
    request: Request,
    api: ApiClient,
    household_id: str,
    *,
    step_form: FormState | None = None,
    conflict: bool = False,
    status_code: int = 200,
) -> Response:
    versioned, household = await asyncio.gather(
        api.get_assessment(household_id, request.path_params["assessment_id"]),
        api.get_household(household_id),
    )
    assessment: Assessment = versioned.value
    standard: Standard = await api.get_standard(assessment.standard)
    day = today().isoformat()
    context = {
        "meeting_failed": meeting_failed(assessment),
        "household": household.value,
        "assessment": assessment,
        "etag": versioned.etag,
        "standard": standard,
        "step_form": step_form
        or FormState.blank(forms.STEP_FIELDS, posted_on=day, decision_date=day),
        "conflict": conflict,
    }
    return render(request, "pages/assessment.html", context, status_code=status_code)


@router.get("/households/{household_id}/assessments/{assessment_id}")
async def show_assessment(request: Request, household_id: str, assessment_id: str, api: Api):
    return await _render_review(request, api, household_id)


@router.post("/households/{household_id}/assessments/{assessment_id}/steps")
async def apply_step(request: Request, household_id: str, assessment_id: str, api: Api) -> Response:
    submitted = await request.form()
    form = forms.step_from(submitted)
    call = api.apply_step(
        household_id,
        assessment_id,
        forms.step_payload(form),
        etag=form_text(submitted, "etag"),
    )
    outcome = await submit(request, form, call)
    if outcome.ok:
        return redirect(request, assessment_url(household_id, assessment_id))
    if outcome.conflict:
        return await _render_review(request, api, household_id, conflict=True, status_code=409)
    return await _render_review(
        request, api, household_id, step_form=form, status_code=outcome.status or 422
    )
