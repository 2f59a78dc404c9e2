"""/api/v1/policies: each agency's policy catalogue (an agency changes only its own)."""

from typing import Annotated

from fastapi import APIRouter, Depends, Query, Request, Response, status
from sqlmodel import select

from api.auth.principal import Principal
from api.core.etag import require_if_match, set_etag
from api.core.pagination import PageParams, page_params, paginate
from api.db import SessionDep
from api.deps import READ_ROLES, document_scopes, require_scope
from api.models import Policy
from api.policies import service
from api.policies.schemas import PolicyCreate, PolicyPage, PolicyPublic, PolicyUpdate

router = APIRouter(prefix="/policies", tags=["policies"])

PolicyReader = Annotated[
    Principal, require_scope("policies:read", "policies:write", roles=READ_ROLES)
]
PolicyWriter = Annotated[Principal, require_scope("policies:write", roles=("admin",))]


@router.post("", response_model=PolicyPublic, status_code=status.HTTP_201_CREATED)
def create_policy(
    data: PolicyCreate, session: SessionDep, principal: PolicyWriter, response: Response
):
    """Add a policy: code unique per agency, category, unit, eligibility, attribute schema."""
    policy = service.create_policy(session, principal=principal, data=data)
    set_etag(response, policy)
    response.headers["Location"] = f"/api/v1/policies/{policy.id}"
    return policy


@router.get("", response_model=PolicyPage, response_model_exclude_unset=True)
def list_policies(
    request: Request,
    response: Response,
    session: SessionDep,
    principal: PolicyReader,
    page: Annotated[PageParams, Depends(page_params)],
    agency_id: str | None = Query(None, max_length=32),
    category: str | None = Query(None, max_length=32),
    code: str | None = Query(None, max_length=32),
    active: bool | None = None,
):
    """Policies (an agency sees only its own)."""
    stmt = select(Policy)
    for column, value in (
        (Policy.agency_id, agency_id),
        (Policy.category, category),
        (Policy.code, code),
        (Policy.is_active, active),
    ):
        if value is not None:
            stmt = stmt.where(column == value)
    return paginate(
        session,
        stmt,
        order=[(Policy.id, False)],
        params=page,
        request=request,
        response=response,
    )


@router.get("/{policy_id}", response_model=PolicyPublic)
def read_policy(policy_id: str, session: SessionDep, principal: PolicyReader, response: Response):
    policy = service.get_policy_or_raise(session, policy_id)
    set_etag(response, policy)
    return policy


@router.patch("/{policy_id}", response_model=PolicyPublic)
def update_policy(
    policy_id: str,
    data: PolicyUpdate,
    request: Request,
    response: Response,
    session: SessionDep,
    principal: PolicyWriter,
):
    """Change names, eligibility, default funding, attribute schema or activity (If-Match)."""
    policy = service.get_policy_or_raise(session, policy_id, for_update=True)
    require_if_match(request, policy)
    policy = service.update_policy(session, principal=principal, policy=policy, data=data)
    set_etag(response, policy)
    return policy


document_scopes(router)
