"""/api/v1/duplicates: possible duplicates to merge or dismiss."""

from typing import Annotated

from fastapi import APIRouter, Depends, Query, Request, Response, status
from sqlmodel import select

from api.core.pagination import PageParams, page_params, paginate
from api.db import SessionDep
from api.deps import Reader, Writer
from api.duplicates import candidates, service
from api.duplicates.schemas import (
    CandidatePage,
    DismissalPublic,
    DismissRequest,
    Kind,
    MergeRequest,
    MergeResult,
)
from api.errors import ValidationFailed
from api.models import Household, Member
from api.reports.common import find_place

router = APIRouter(prefix="/duplicates", tags=["duplicates"])


@router.get("", response_model=CandidatePage, response_model_exclude_unset=True)
def list_candidates(
    request: Request,
    response: Response,
    session: SessionDep,
    principal: Reader,
    page: Annotated[PageParams, Depends(page_params)],
    kind: Kind = Query("household", description="household: the same head; member: a person"),
    place_id: str | None = Query(None, max_length=32, description="Any level: whole subtree"),
):
    """Households (or people) that look like the same: the same unaccented name and birth
    year in one commune. Dismissed pairs and archived households are left out."""
    place = find_place(session, place_id)
    stmt, order = candidates.candidates_query(session, kind, place)
    result = paginate(
        session,
        stmt,
        order=order,
        params=page,
        request=request,
        response=response,
        key=lambda row: [row.first_id, row.second_id],
    )
    result["items"] = candidates.describe_pairs(session, kind, result["items"])
    return result


@router.post("/dismiss", response_model=DismissalPublic, status_code=status.HTTP_201_CREATED)
def dismiss(data: DismissRequest, session: SessionDep, principal: Writer):
    """Two records that are not the same: the pair leaves the list for good."""
    return service.dismiss(
        session,
        principal=principal,
        kind=data.kind,
        first_id=data.first_id,
        second_id=data.second_id,
        reason=data.reason,
    )


@router.post("/merge", response_model=MergeResult)
def merge(data: MergeRequest, session: SessionDep, principal: Writer):
    """Fold the duplicate into the record kept. Households: the duplicate is archived with a
    pointer to the kept one (merged_into_id); its members move over (or, when the same person
    is already there, leave pointing to them), its open needs move, its person in charge is
    released; its reviews, supports and visits stay readable on the archived record.
    Members: the duplicate person leaves their household pointing to the kept one."""
    if data.keep_id == data.duplicate_id:
        raise ValidationFailed("keep_id and duplicate_id are the same record.", pointer="/keep_id")
    model = Household if data.kind == "household" else Member
    found = {
        r.id: r
        for r in session.exec(
            select(model).where(model.id.in_([data.keep_id, data.duplicate_id])).with_for_update()
        )
    }
    for pointer, wanted in (("/keep_id", data.keep_id), ("/duplicate_id", data.duplicate_id)):
        if wanted not in found:
            raise ValidationFailed(f"Unknown {data.kind} {wanted!r}.", pointer=pointer)
    keep, duplicate = found[data.keep_id], found[data.duplicate_id]
    if data.kind == "household":
        service.merge_households(
            session, principal=principal, keep=keep, duplicate=duplicate, reason=data.reason
        )
        households = [keep.id, duplicate.id]
    else:
        service.merge_members(
            session, principal=principal, keep=keep, duplicate=duplicate, reason=data.reason
        )
        households = sorted({keep.household_id, duplicate.household_id})
    return {
        "kind": data.kind,
        "kept_id": data.keep_id,
        "merged_id": data.duplicate_id,
        "household_ids": households,
    }
