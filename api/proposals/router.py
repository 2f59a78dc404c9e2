"""/api/v1/proposals: proposals of tasks and solutions, and their consolidation."""

from typing import Annotated, Literal

from fastapi import APIRouter, Depends, Query, Request, Response, status
from sqlmodel import select

from api.core.etag import require_if_match, set_etag
from api.core.pagination import PageParams, page_params, paginate
from api.db import SessionDep
from api.deps import Admin, Reader, Writer
from api.models import Place, Proposal, ProposalSubmission
from api.proposals import service
from api.proposals.schemas import (
    Decision,
    ProposalCreate,
    ProposalPage,
    ProposalPublic,
    ProposalUpdate,
    State,
    SubmissionCreate,
    SubmissionDetail,
    SubmissionPage,
    SubmissionPublic,
)

router = APIRouter(prefix="/proposals", tags=["proposals"])


@router.post("", response_model=ProposalPublic, status_code=status.HTTP_201_CREATED)
def create_proposal(
    data: ProposalCreate, session: SessionDep, principal: Writer, response: Response
):
    """A draft proposal: title, place, category, budget (VND) and justification."""
    proposal = service.create_proposal(session, principal=principal, data=data)
    set_etag(response, proposal)
    response.headers["Location"] = f"/api/v1/proposals/{proposal.id}"
    return proposal


@router.get("", response_model=ProposalPage, response_model_exclude_unset=True)
def list_proposals(
    request: Request,
    response: Response,
    session: SessionDep,
    principal: Reader,
    page: Annotated[PageParams, Depends(page_params)],
    state: State | None = None,
    year: int | None = Query(None, ge=2000, le=2100),
    place_id: str | None = Query(None, max_length=32, description="Whole subtree"),
    submission_id: str | None = Query(None, max_length=32),
):
    """Proposals of the caller's places, oldest first."""
    stmt = select(Proposal)
    if state is not None:
        stmt = stmt.where(Proposal.state == state)
    if year is not None:
        stmt = stmt.where(Proposal.year == year)
    if submission_id is not None:
        stmt = stmt.where(Proposal.submission_id == submission_id)
    if place_id is not None:
        path = session.exec(select(Place.path).where(Place.id == place_id)).first()
        stmt = stmt.where(
            Proposal.place_path.startswith(path, autoescape=True) if path else Proposal.id.is_(None)
        )
    return paginate(
        session, stmt, order=[(Proposal.id, False)], params=page, request=request, response=response
    )


@router.post("/submissions", response_model=SubmissionDetail, status_code=status.HTTP_201_CREATED)
def consolidate(data: SubmissionCreate, session: SessionDep, principal: Admin, response: Response):
    """The Labour office consolidates the submitted proposals of the place and year into one
    submission for the district committee, with totals by category and by proposer."""
    submission = service.consolidate(session, principal=principal, data=data)
    set_etag(response, submission)
    response.headers["Location"] = f"/api/v1/proposals/submissions/{submission.id}"
    return _detail(session, submission)


@router.get("/submissions", response_model=SubmissionPage, response_model_exclude_unset=True)
def list_submissions(
    request: Request,
    response: Response,
    session: SessionDep,
    principal: Reader,
    page: Annotated[PageParams, Depends(page_params)],
    state: Literal["consolidated", "approved", "rejected"] | None = None,
):
    stmt = select(ProposalSubmission)
    if state is not None:
        stmt = stmt.where(ProposalSubmission.state == state)
    return paginate(
        session,
        stmt,
        order=[(ProposalSubmission.id, False)],
        params=page,
        request=request,
        response=response,
    )


@router.get("/submissions/{submission_id}", response_model=SubmissionDetail)
def read_submission(submission_id: str, session: SessionDep, principal: Reader, response: Response):
    submission = service.get_submission_or_raise(session, submission_id)
    set_etag(response, submission)
    return _detail(session, submission)


@router.post("/submissions/{submission_id}/decision", response_model=SubmissionDetail)
def decide(
    submission_id: str, data: Decision, session: SessionDep, principal: Admin, response: Response
):
    """Record the district committee's decision: approved (single proposals may be listed
    as rejected) or rejected as a whole."""
    submission = service.get_submission_or_raise(session, submission_id, for_update=True)
    submission = service.decide(session, principal=principal, submission=submission, data=data)
    set_etag(response, submission)
    return _detail(session, submission)


def _detail(session, submission: ProposalSubmission) -> dict:
    proposals = session.exec(
        select(Proposal).where(Proposal.submission_id == submission.id).order_by(Proposal.id)
    ).all()
    return {**SubmissionPublic.model_validate(submission).model_dump(), "proposals": proposals}


@router.get("/{proposal_id}", response_model=ProposalPublic)
def read_proposal(proposal_id: str, session: SessionDep, principal: Reader, response: Response):
    proposal = service.get_proposal_or_raise(session, proposal_id)
    set_etag(response, proposal)
    return proposal


@router.patch("/{proposal_id}", response_model=ProposalPublic)
def update_proposal(
    proposal_id: str,
    data: ProposalUpdate,
    request: Request,
    response: Response,
    session: SessionDep,
    principal: Writer,
):
    """Edit a draft (needs If-Match)."""
    proposal = service.get_proposal_or_raise(session, proposal_id, for_update=True)
    require_if_match(request, proposal)
    proposal = service.update_proposal(session, principal=principal, proposal=proposal, data=data)
    set_etag(response, proposal)
    return proposal


@router.post("/{proposal_id}/{action}", response_model=ProposalPublic)
def proposal_step(
    proposal_id: str,
    action: Literal["submit", "withdraw"],
    session: SessionDep,
    principal: Writer,
    response: Response,
):
    """submit: draft → submitted; withdraw: submitted → draft (until consolidated)."""
    proposal = service.get_proposal_or_raise(session, proposal_id, for_update=True)
    proposal = service.step(session, principal=principal, proposal=proposal, action=action)
    set_etag(response, proposal)
    return proposal
