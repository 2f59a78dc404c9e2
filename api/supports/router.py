"""/api/v1/supports: support records from agencies and officers, one at a time or in bulk."""

from datetime import date
from typing import Annotated, Literal

from fastapi import APIRouter, Depends, Query, Request, Response, status

from api.auth.principal import Principal
from api.core.etag import require_if_match, set_etag
from api.core.gcpause import gc_paused
from api.core.pagination import PageParams, page_params, paginate
from api.db import SessionDep
from api.deps import READ_ROLES, WRITE_ROLES, SettingsDep, document_scopes, require_scope
from api.errors import ValidationFailed
from api.models import Support
from api.supports import bulk, service
from api.supports.schemas import (
    BulkResponse,
    SupportIn,
    SupportPage,
    SupportPublic,
    SupportUpdate,
)

router = APIRouter(prefix="/supports", tags=["supports"])

SupportReader = Annotated[
    Principal, require_scope("supports:read", "supports:write", roles=READ_ROLES)
]
SupportWriter = Annotated[Principal, require_scope("supports:write", roles=WRITE_ROLES)]

BULK_BODY = {
    "required": True,
    "content": {
        "application/json": {
            "schema": {"type": "array", "items": {"$ref": "#/components/schemas/SupportIn"}}
        },
        "text/csv": {
            "schema": {"type": "string"},
            "example": "household_id,policy_code,delivered_on,amount_vnd,funding_source,"
            "external_ref,attr.term_months\nhh_…,VAY-HN,15/03/2026,50.000.000,policy_credit,"
            "NHCS-2026-0001,36\n",
        },
        "multipart/form-data": {
            "schema": {
                "type": "object",
                "properties": {"file": {"type": "string", "format": "binary"}},
                "required": ["file"],
            }
        },
    },
}


@router.post(
    "",
    response_model=SupportPublic,
    status_code=status.HTTP_201_CREATED,
    responses={200: {"model": SupportPublic, "description": "Resent: the same record, updated"}},
)
def record_support(
    data: SupportIn, session: SessionDep, principal: SupportWriter, response: Response
):
    """Record a support: 201 when new; 200 when the external_ref was already saved (a resend
    updates that record, or changes nothing). Send Idempotency-Key on retries as well."""
    support, outcome = service.record_support(session, principal=principal, data=data)
    if outcome != "created":
        response.status_code = status.HTTP_200_OK
    set_etag(response, support)
    response.headers["Location"] = f"/api/v1/supports/{support.id}"
    return support


async def bulk_body(request: Request) -> bulk.BulkBody:
    """The raw body: a JSON array, a CSV body, or a CSV in the multipart field 'file'."""
    content_type = request.headers.get("content-type", "")
    media_type, _, params = content_type.partition(";")
    media_type = media_type.strip().lower()
    charset = None
    for param in params.split(";"):
        name, _, value = param.partition("=")
        if name.strip().lower() == "charset":
            charset = value.strip().strip('"') or None
    if media_type == "multipart/form-data":
        form = await request.form(max_files=1, max_fields=10)
        upload = form.get("file")
        if upload is None or isinstance(upload, str):
            raise ValidationFailed("Send the CSV file in the form field 'file'.", pointer="/file")
        return bulk.BulkBody(media_type="text/csv", charset=None, data=await upload.read())
    return bulk.BulkBody(media_type=media_type, charset=charset, data=await request.body())


@router.post(
    "/bulk",
    response_model=BulkResponse,
    response_model_exclude_none=True,
    openapi_extra={"requestBody": BULK_BODY},
    responses={
        415: {"description": "Neither JSON nor CSV, or a charset other than UTF-8"},
        422: {
            "description": "atomic=all with invalid items: nothing saved; the problem "
            "carries stats and results as in a 200 answer"
        },
    },
)
def bulk_supports(
    session: SessionDep,
    settings: SettingsDep,
    principal: SupportWriter,
    body: Annotated[bulk.BulkBody, Depends(bulk_body)],
    mode: Literal["validate", "commit"] = Query("commit"),
    atomic: Literal["all", "row"] = Query("all"),
):
    """Up to 10,000 supports as a JSON array or a CSV file (UTF-8, BOM or not; Vietnamese or
    English headers, e.g. `mã chính sách`, `ngày hỗ trợ`, `số tiền`, `nguồn vốn`; dates ISO or
    dd/mm/yyyy; attr.<name> columns fill attributes). `mode=validate` writes nothing;
    `atomic=all` saves everything or nothing (422), `atomic=row` saves the good items. One
    result per item, in input order."""
    with gc_paused():  # thousands of short-lived objects: see gc_paused
        items, lines = bulk.read_items(
            body, require_ref=principal.kind == "agency", max_items=settings.bulk_max_items
        )
        answer, rejected = bulk.run_bulk(
            session, principal=principal, items=items, lines=lines, mode=mode, atomic=atomic
        )
    if rejected:
        failed = answer["stats"]["failed"]
        raise ValidationFailed(
            f"{failed} of {len(items)} items are invalid; nothing was saved (atomic=all).",
            outcome="rejected",
            mode=mode,
            atomic=atomic,
            stats=answer["stats"],
            results=answer["results"],
        )
    return answer


@router.get("", response_model=SupportPage, response_model_exclude_unset=True)
def list_supports(
    request: Request,
    response: Response,
    session: SessionDep,
    principal: SupportReader,
    page: Annotated[PageParams, Depends(page_params)],
    place_id: str | None = Query(None, max_length=32, description="Any level: whole subtree"),
    household_id: str | None = Query(None, max_length=32),
    agency_id: str | None = Query(None, max_length=32),
    policy_id: str | None = Query(None, max_length=32),
    category: str | None = Query(None, max_length=32),
    funding_source: str | None = Query(None, max_length=32),
    status_: str | None = Query(None, alias="status", max_length=16),
    external_ref: str | None = Query(None, max_length=100),
    delivered_from: date | None = None,
    delivered_to: date | None = None,
):
    """Supports, newest first; an agency sees its own, an officer those in their places."""
    stmt = service.filters(
        session,
        place_id=place_id,
        household_id=household_id,
        agency_id=agency_id,
        policy_id=policy_id,
        category=category,
        funding_source=funding_source,
        status=status_,
        external_ref=external_ref,
        delivered_from=delivered_from,
        delivered_to=delivered_to,
    )
    return paginate(
        session,
        stmt,
        order=[(Support.id, True)],
        params=page,
        request=request,
        response=response,
    )


@router.get("/{support_id}", response_model=SupportPublic)
def read_support(
    support_id: str, session: SessionDep, principal: SupportReader, response: Response
):
    support = service.get_support_or_raise(session, support_id)
    set_etag(response, support)
    return support


@router.patch("/{support_id}", response_model=SupportPublic)
def update_support(
    support_id: str,
    data: SupportUpdate,
    request: Request,
    response: Response,
    session: SessionDep,
    principal: SupportWriter,
):
    """Change status (e.g. repaid), date, amounts, funding or attributes (needs If-Match)."""
    support = service.get_support_or_raise(session, support_id, for_update=True)
    require_if_match(request, support)
    support, _ = service.update_support(session, principal=principal, support=support, data=data)
    set_etag(response, support)
    return support


document_scopes(router)
