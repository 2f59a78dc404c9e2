"""Proposals of tasks and solutions, and the Labour office's consolidated submission.

A proposal: draft → submitted (by its commune or agency) → consolidated (the Labour office
puts it in one submission for the district committee) → approved or rejected (the
committee's decision on the submission; single proposals may be rejected within it).
A submitted proposal can be withdrawn back to draft until it is consolidated.
"""

from collections import defaultdict
from typing import Any

from sqlmodel import Session, select

from api.audit.service import record_audit, snapshot
from api.auth.principal import Principal
from api.core.etag import bump_version
from api.errors import Conflict, Forbidden, NotFound, ValidationFailed
from api.models import Agency, Place, Proposal, ProposalSubmission
from api.models.base import utcnow
from api.models.categories import SUPPORT_CATEGORIES
from api.models.proposals import PROPOSAL_EXTRA_CATEGORIES

CATEGORY_NAMES = {code: vi for code, vi, _ in (*SUPPORT_CATEGORIES, *PROPOSAL_EXTRA_CATEGORIES)}


def get_proposal_or_raise(session: Session, proposal_id: str, *, for_update=False) -> Proposal:
    stmt = select(Proposal).where(Proposal.id == proposal_id)
    if for_update:
        stmt = stmt.with_for_update()
    proposal = session.exec(stmt).first()
    if proposal is None:
        raise NotFound(f"No proposal with id {proposal_id!r}.")
    return proposal


def get_submission_or_raise(
    session: Session, submission_id: str, *, for_update=False
) -> ProposalSubmission:
    stmt = select(ProposalSubmission).where(ProposalSubmission.id == submission_id)
    if for_update:
        stmt = stmt.with_for_update()
    submission = session.exec(stmt).first()
    if submission is None:
        raise NotFound(f"No submission with id {submission_id!r}.")
    return submission


def _place(session: Session, principal: Principal, place_id: str) -> Place:
    place = session.exec(select(Place).where(Place.id == place_id)).first()
    if place is None or not principal.covers_path(place.path):
        raise ValidationFailed(f"Unknown place {place_id!r}.", pointer="/place_id")
    return place


def _audit(session, principal, action: str, entity: str, record, before=None) -> None:
    record_audit(
        session,
        principal=principal,
        action=action,
        entity=entity,
        entity_id=record.id,
        before=before,
        after=snapshot(record),
        place_path=record.place_path,
    )


def _touch(record) -> None:
    record.updated_at = utcnow()
    bump_version(record)


def create_proposal(session: Session, *, principal: Principal, data) -> Proposal:
    """A draft proposal of a commune (or of an agency, entered on its behalf)."""
    place = _place(session, principal, data.place_id)
    if data.agency_id is not None:
        agency = session.exec(select(Agency).where(Agency.id == data.agency_id)).first()
        if agency is None:
            raise ValidationFailed(f"Unknown agency {data.agency_id!r}.", pointer="/agency_id")
    proposal = Proposal(
        **data.model_dump(), place_path=place.path, state="draft", created_by=principal.id
    )
    session.add(proposal)
    session.flush()
    _audit(session, principal, "create", "proposal", proposal)
    return proposal


def update_proposal(session: Session, *, principal: Principal, proposal: Proposal, data):
    if proposal.state != "draft":
        raise Conflict(
            f"Only a draft can be edited; this proposal is {proposal.state}.",
            errors=[{"pointer": "/state", "detail": proposal.state}],
        )
    before = snapshot(proposal)
    changes = data.model_dump(exclude_unset=True)
    for name in ("title", "category", "budget_vnd", "justification", "year"):
        if name in changes and changes[name] is None:
            raise ValidationFailed(f"{name} cannot be null.", pointer=f"/{name}")
    for key, value in changes.items():
        setattr(proposal, key, value)
    if snapshot(proposal) == before:
        return proposal
    _touch(proposal)
    session.flush()
    _audit(session, principal, "update", "proposal", proposal, before)
    return proposal


STEPS = {"submit": ("draft", "submitted"), "withdraw": ("submitted", "draft")}


def step(session: Session, *, principal: Principal, proposal: Proposal, action: str) -> Proposal:
    """submit (draft → submitted) or withdraw (submitted → draft)."""
    if not principal.covers_path(proposal.place_path):
        raise Forbidden("The proposal is outside your places.")
    start, end = STEPS[action]
    if proposal.state != start:
        raise Conflict(
            f"Cannot {action} a proposal that is {proposal.state}.",
            errors=[{"pointer": "/state", "detail": f"must be {start}"}],
        )
    before = snapshot(proposal)
    proposal.state = end
    if action == "submit":
        proposal.submitted_by, proposal.submitted_at = principal.id, utcnow()
    else:
        proposal.submitted_by = proposal.submitted_at = None
    _touch(proposal)
    session.flush()
    _audit(session, principal, action, "proposal", proposal, before)
    return proposal


def consolidate(session: Session, *, principal: Principal, data) -> ProposalSubmission:
    """The Labour office's one submission: the submitted proposals of the place and year (or
    those named), with totals by category and by proposer."""
    place = _place(session, principal, data.place_id)
    stmt = select(Proposal).where(
        Proposal.state == "submitted",
        Proposal.year == data.year,
        Proposal.place_path.startswith(place.path, autoescape=True),
    )
    if data.proposal_ids is not None:
        stmt = stmt.where(Proposal.id.in_(data.proposal_ids))
    proposals = list(session.exec(stmt.order_by(Proposal.id).with_for_update()))
    if data.proposal_ids is not None:
        missing = sorted(set(data.proposal_ids) - {p.id for p in proposals})
        if missing:
            raise ValidationFailed(
                f"Not submitted proposals of {place.name} for {data.year}: {', '.join(missing)}.",
                pointer="/proposal_ids",
            )
    if not proposals:
        raise Conflict(f"No submitted proposal of {place.name} for {data.year} to consolidate.")
    submission = ProposalSubmission(
        title=data.title,
        place_id=place.id,
        place_path=place.path,
        year=data.year,
        state="consolidated",
        note=data.note,
        created_by=principal.id,
    )
    _totals(session, submission, proposals)
    session.add(submission)
    session.flush()
    for proposal in proposals:
        before = snapshot(proposal)
        proposal.state, proposal.submission_id = "consolidated", submission.id
        _touch(proposal)
        session.flush()
        _audit(session, principal, "consolidate", "proposal", proposal, before)
    _audit(session, principal, "create", "proposal_submission", submission)
    return submission


def _totals(session: Session, submission: ProposalSubmission, proposals: list[Proposal]) -> None:
    """The submission's count, total and breakdowns over these proposals."""
    by_category: dict[str, dict[str, Any]] = defaultdict(lambda: {"proposals": 0, "budget_vnd": 0})
    by_place: dict[str, dict[str, Any]] = defaultdict(lambda: {"proposals": 0, "budget_vnd": 0})
    for proposal in proposals:
        for bucket in (by_category[proposal.category], by_place[proposal.place_id]):
            bucket["proposals"] += 1
            bucket["budget_vnd"] += proposal.budget_vnd
    names = dict(
        session.exec(select(Place.id, Place.name).where(Place.id.in_(sorted(by_place)))).all()
    )
    submission.proposals_count = len(proposals)
    submission.total_budget_vnd = sum(p.budget_vnd for p in proposals)
    submission.totals = {
        "by_category": [
            {"category": code, "label": CATEGORY_NAMES.get(code, code), **values}
            for code, values in sorted(by_category.items(), key=lambda kv: -kv[1]["budget_vnd"])
        ],
        "by_place": [
            {"place_id": pid, "label": names.get(pid, pid), **values}
            for pid, values in sorted(by_place.items(), key=lambda kv: names.get(kv[0], kv[0]))
        ],
    }


def decide(
    session: Session, *, principal: Principal, submission: ProposalSubmission, data
) -> ProposalSubmission:
    """The district committee's decision: the submission approved (with single proposals
    rejected if named) or rejected as a whole."""
    if submission.state != "consolidated":
        raise Conflict(f"The submission was already {submission.state}.")
    proposals = list(
        session.exec(
            select(Proposal).where(Proposal.submission_id == submission.id).with_for_update()
        )
    )
    ids = {p.id for p in proposals}
    unknown = sorted(set(data.rejected_proposal_ids) - ids)
    if unknown:
        raise ValidationFailed(
            f"Not in this submission: {', '.join(unknown)}.", pointer="/rejected_proposal_ids"
        )
    before = snapshot(submission)
    submission.state = data.decision
    submission.decision_number, submission.decision_note = data.decision_number, data.note
    submission.decided_by, submission.decided_at = principal.id, utcnow()
    _touch(submission)
    for proposal in proposals:
        previous = snapshot(proposal)
        rejected = data.decision == "rejected" or proposal.id in data.rejected_proposal_ids
        proposal.state = "rejected" if rejected else "approved"
        proposal.decision_note = data.note
        _touch(proposal)
        session.flush()
        _audit(session, principal, "decide", "proposal", proposal, previous)
    _decided_totals(session, submission, proposals)
    session.flush()
    _audit(session, principal, "decide", "proposal_submission", submission, before)
    return submission


def _decided_totals(
    session: Session, submission: ProposalSubmission, proposals: list[Proposal]
) -> None:
    """After the decision the count, total and breakdowns are those of the approved proposals
    (what the committee funds); the consolidated figures stay under totals.submitted and the
    refused ones under totals.rejected, so that no reader adds a rejected budget by mistake."""
    submitted = {
        "proposals": submission.proposals_count,
        "budget_vnd": submission.total_budget_vnd,
        **{k: v for k, v in submission.totals.items() if k in ("by_category", "by_place")},
    }
    refused = [p for p in proposals if p.state == "rejected"]
    _totals(session, submission, [p for p in proposals if p.state == "approved"])
    submission.totals = {
        **submission.totals,
        "submitted": submitted,
        "rejected": {
            "proposals": len(refused),
            "budget_vnd": sum(p.budget_vnd for p in refused),
            "proposal_ids": sorted(p.id for p in refused),
        },
    }
