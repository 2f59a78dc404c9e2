"""/api/v1/agencies: member agencies and their API keys (administrators; agencies for their own)."""

from typing import Annotated

from fastapi import APIRouter, Depends, Request, Response, status
from sqlmodel import select

from api.agencies import service
from api.agencies.schemas import (
    AgencyCreate,
    AgencyPage,
    AgencyPublic,
    AgencyUpdate,
    KeyCreate,
    KeyCreated,
    KeyList,
    KeyPublic,
    ScopeInfo,
)
from api.auth.api_keys import SCOPES
from api.auth.principal import Principal
from api.core.etag import require_if_match, set_etag
from api.core.idempotency import SecretAnswer
from api.core.pagination import PageParams, page_params, paginate
from api.db import SessionDep
from api.deps import (
    READ_ROLES,
    DeploymentAdmin,
    SettingsDep,
    document_scopes,
    require_scope,
)
from api.models import Agency

router = APIRouter(prefix="/agencies", tags=["agencies"])

# Any key of an agency may read the agency itself (scoping hides every other one).
AgencyReader = Annotated[Principal, require_scope(*SCOPES, roles=READ_ROLES)]
KeyManager = Annotated[
    Principal, require_scope("keys:write", roles=("admin",), whole_deployment=True)
]


@router.get("/scopes", response_model=list[ScopeInfo])
def list_scopes(principal: AgencyReader):
    """The scopes an API key may hold."""
    return [{"scope": scope, "description": text} for scope, text in SCOPES.items()]


@router.post("", response_model=AgencyPublic, status_code=status.HTTP_201_CREATED)
def create_agency(
    data: AgencyCreate, session: SessionDep, principal: DeploymentAdmin, response: Response
):
    """Register a member agency (bank branch, health, education, Labour office, a commune, …)."""
    agency = service.create_agency(session, principal=principal, data=data)
    set_etag(response, agency)
    response.headers["Location"] = f"/api/v1/agencies/{agency.id}"
    return service.agency_public(session, agency)


@router.get("", response_model=AgencyPage, response_model_exclude_unset=True)
def list_agencies(
    request: Request,
    response: Response,
    session: SessionDep,
    principal: AgencyReader,
    page: Annotated[PageParams, Depends(page_params)],
):
    """Agencies by code; an agency sees only itself."""
    result = paginate(
        session,
        select(Agency),
        order=[(Agency.code, False), (Agency.id, False)],
        params=page,
        request=request,
        response=response,
    )
    result["items"] = [service.agency_public(session, a) for a in result["items"]]
    return result


@router.get("/{agency_id}", response_model=AgencyPublic)
def read_agency(agency_id: str, session: SessionDep, principal: AgencyReader, response: Response):
    agency = service.get_agency_or_raise(session, agency_id)
    set_etag(response, agency)
    return service.agency_public(session, agency)


@router.patch("/{agency_id}", response_model=AgencyPublic)
def update_agency(
    agency_id: str,
    data: AgencyUpdate,
    request: Request,
    response: Response,
    session: SessionDep,
    principal: DeploymentAdmin,
):
    """Rename, change the service area or deactivate (needs If-Match)."""
    agency = service.get_agency_or_raise(session, agency_id, for_update=True)
    require_if_match(request, agency)
    agency = service.update_agency(session, principal=principal, agency=agency, data=data)
    set_etag(response, agency)
    return service.agency_public(session, agency)


@router.post(
    "/{agency_id}/keys",
    response_model=KeyCreated,
    status_code=status.HTTP_201_CREATED,
    dependencies=[SecretAnswer],
)
def create_key(
    agency_id: str,
    data: KeyCreate,
    session: SessionDep,
    settings: SettingsDep,
    principal: KeyManager,
):
    """A new API key, shown once. Two keys may be live at once: create the new, switch, revoke.

    The answer holds the key, so it is never stored for an `Idempotency-Key`: a retry with
    the same key creates another API key instead of replaying the first. If a retry follows
    an answer that was lost, revoke the spare key (see GET …/keys)."""
    agency = service.get_agency_or_raise(session, agency_id, for_update=True)
    key, raw = service.create_key(
        session,
        principal=principal,
        agency=agency,
        data=data,
        max_live=settings.agency_max_live_keys,
    )
    return {**service.key_public(key), "key": raw}


@router.get("/{agency_id}/keys", response_model=KeyList)
def list_keys(agency_id: str, session: SessionDep, principal: KeyManager):
    """The agency's keys (never the keys themselves), with scopes and last use."""
    agency = service.get_agency_or_raise(session, agency_id)
    return {"items": [service.key_public(k) for k in service.list_keys(session, agency.id)]}


@router.post("/{agency_id}/keys/{key_id}/revoke", response_model=KeyPublic)
def revoke_key(agency_id: str, key_id: str, session: SessionDep, principal: KeyManager):
    """Revoke a key at once; repeating it is harmless (no If-Match: revocation must not wait)."""
    agency = service.get_agency_or_raise(session, agency_id)
    key = service.revoke_key(session, principal=principal, agency=agency, key_id=key_id)
    return service.key_public(key)


document_scopes(router)
