"""/api/v1/households/{id}/assessments: reviews and their life cycle."""

from typing import Annotated

from fastapi import APIRouter, Depends, Request, Response, status
from sqlmodel import select

from api.assessments import service
from api.assessments.schemas import (
    AssessmentCreate,
    AssessmentPage,
    AssessmentPublic,
    AssessmentUpdate,
    StepRequest,
)
from api.core.etag import require_if_match, set_etag
from api.core.pagination import PageParams, page_params, paginate
from api.db import SessionDep
from api.deps import Reader, Writer
from api.households.service import get_household_or_raise
from api.models import Assessment

router = APIRouter(prefix="/households/{household_id}/assessments", tags=["assessments"])


def assessment_public(session, assessment: Assessment, *, with_steps: bool = True):
    return AssessmentPublic(
        **assessment.model_dump(exclude={"standard_code"}),
        standard=assessment.standard_code,
        steps=service.steps_of(session, assessment.id) if with_steps else [],
    )


@router.post("", response_model=AssessmentPublic, status_code=status.HTTP_201_CREATED)
def create_assessment(
    household_id: str,
    data: AssessmentCreate,
    session: SessionDep,
    principal: Writer,
    response: Response,
):
    """Record a review's survey answers; the API computes the classification (state draft)."""
    household = get_household_or_raise(session, household_id, for_update=True)
    assessment = service.create_assessment(
        session, principal=principal, household=household, data=data
    )
    set_etag(response, assessment)
    response.headers["Location"] = f"/api/v1/households/{household_id}/assessments/{assessment.id}"
    return assessment_public(session, assessment)


@router.get("", response_model=AssessmentPage, response_model_exclude_unset=True)
def list_assessments(
    household_id: str,
    request: Request,
    response: Response,
    session: SessionDep,
    principal: Reader,
    page: Annotated[PageParams, Depends(page_params)],
    year: int | None = None,
):
    """The household's reviews, newest year first."""
    household = get_household_or_raise(session, household_id)
    stmt = select(Assessment).where(Assessment.household_id == household.id)
    if year is not None:
        stmt = stmt.where(Assessment.year == year)
    result = paginate(
        session,
        stmt,
        order=[(Assessment.year, True), (Assessment.id, True)],
        params=page,
        request=request,
        response=response,
    )
    result["items"] = [assessment_public(session, a, with_steps=False) for a in result["items"]]
    return result


@router.get("/{assessment_id}", response_model=AssessmentPublic)
def read_assessment(
    household_id: str,
    assessment_id: str,
    session: SessionDep,
    principal: Reader,
    response: Response,
):
    household = get_household_or_raise(session, household_id)
    assessment = service.get_assessment_or_raise(session, household, assessment_id)
    set_etag(response, assessment)
    return assessment_public(session, assessment)


@router.patch("/{assessment_id}", response_model=AssessmentPublic)
def update_assessment(
    household_id: str,
    assessment_id: str,
    data: AssessmentUpdate,
    request: Request,
    response: Response,
    session: SessionDep,
    principal: Writer,
):
    """Replace a draft's survey answers (needs If-Match)."""
    household = get_household_or_raise(session, household_id, for_update=True)
    assessment = service.get_assessment_or_raise(session, household, assessment_id, for_update=True)
    require_if_match(request, assessment)
    assessment = service.update_assessment(
        session, principal=principal, household=household, assessment=assessment, data=data
    )
    set_etag(response, assessment)
    return assessment_public(session, assessment)


@router.post("/{assessment_id}/steps", response_model=AssessmentPublic)
def apply_step(
    household_id: str,
    assessment_id: str,
    data: StepRequest,
    request: Request,
    response: Response,
    session: SessionDep,
    principal: Writer,
):
    """Move the review along: surveyed → meeting (agreed, or back to draft under 50 %) →
    posted → recognised (decision number and date), or rejected. If-Match is honoured."""
    household = get_household_or_raise(session, household_id, for_update=True)
    assessment = service.get_assessment_or_raise(session, household, assessment_id, for_update=True)
    if request.headers.get("if-match"):
        require_if_match(request, assessment)
    assessment = service.apply_step(
        session, principal=principal, household=household, assessment=assessment, data=data
    )
    set_etag(response, assessment)
    return assessment_public(session, assessment)
