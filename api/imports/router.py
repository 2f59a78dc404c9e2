"""/api/v1/imports: household lists from Excel (XLSX) or CSV, the template, errors files."""

from typing import Annotated, Literal

from fastapi import APIRouter, Depends, Query, Request, Response
from fastapi.responses import JSONResponse
from sqlmodel import select

from api.core.pagination import PageParams, page_params, paginate
from api.db import SessionDep
from api.deps import Reader, SettingsDep, Writer
from api.errors import PROBLEM_JSON, NotFound, PayloadTooLarge, ValidationFailed, problem_body
from api.imports import files, service
from api.imports.schemas import ImportJobPage, ImportReport
from api.models import ImportJob
from api.reports.tables import CSV_TYPE, XLSX_TYPE

router = APIRouter(prefix="/imports", tags=["imports"])

UPLOAD_BODY = {
    "required": True,
    "content": {
        "multipart/form-data": {
            "schema": {
                "type": "object",
                "properties": {"file": {"type": "string", "format": "binary"}},
                "required": ["file"],
            }
        },
        XLSX_TYPE: {"schema": {"type": "string", "format": "binary"}},
        "text/csv": {"schema": {"type": "string"}},
    },
}


async def upload(request: Request) -> tuple[bytes, str | None]:
    """The file: the multipart field 'file', or the raw body (XLSX or CSV)."""
    media_type = request.headers.get("content-type", "").partition(";")[0].strip().lower()
    if media_type == "multipart/form-data":
        form = await request.form(max_files=1, max_fields=10)
        item = form.get("file")
        if item is None or isinstance(item, str):
            raise ValidationFailed(
                "Send the file in the form field 'file'.",
                pointer="/file",
                detail_vi="Hãy gửi tệp trong trường 'file' của biểu mẫu.",
            )
        return await item.read(), item.filename
    return await request.body(), request.query_params.get("file_name")


def _report(job: ImportJob) -> dict:
    return job.report


@router.post(
    "/households",
    response_model=ImportReport,
    openapi_extra={"requestBody": UPLOAD_BODY},
    responses={
        413: {"description": "The file is larger than the upload limit"},
        422: {
            "description": "A file that cannot be read (not XLSX, no header, legacy "
            "encoding…), or atomic=all with bad rows: nothing saved; the problem carries the "
            "report"
        },
    },
)
def import_households(
    request: Request,
    response: Response,
    session: SessionDep,
    settings: SettingsDep,
    principal: Writer,
    body: Annotated[tuple[bytes, str | None], Depends(upload)],
    place_id: str | None = Query(None, max_length=32, description="Commune, hamlet or district"),
    place_code: str | None = Query(None, max_length=32, description="Or the place's code"),
    mode: Literal["validate", "commit"] = Query("commit"),
    atomic: Literal["all", "row"] = Query("all"),
    sheet: str | None = Query(None, max_length=31, description="Default: the first list found"),
):
    """Import a household list (XLSX or CSV; Vietnamese or English headers, see the template).
    A household is matched on its code within its commune: the same file again changes
    nothing (rows "ignored"). `mode=validate` saves nothing; `atomic=all` saves every row or
    none (422 with the report); `atomic=row` saves the good rows. Every bad row is named by
    row number and column, in Vietnamese and English, and the errors file adds an error
    column to the original rows."""
    data, file_name = body
    if len(data) > settings.max_body_bytes:
        raise PayloadTooLarge(f"The file is larger than {settings.max_body_bytes:,} bytes.")
    place = service.find_target(session, principal, place_id=place_id, place_code=place_code)
    job = service.run_import(
        session,
        principal=principal,
        data=data,
        file_name=file_name,
        place=place,
        mode=mode,
        atomic=atomic,
        sheet_name=sheet,
    )
    location = {"Location": f"/api/v1/imports/{job.id}"}
    if job.status == "rejected":
        failed = job.report["stats"]["failed"]
        detail = f"{failed} rows are invalid; nothing was saved (atomic=all)."
        body = problem_body(
            422,
            ValidationFailed.title,
            detail,
            ValidationFailed.slug,
            detail_vi=f"{failed} dòng có lỗi; chưa lưu dòng nào (atomic=all).",
            report=job.report,
        )
        return JSONResponse(body, status_code=422, media_type=PROBLEM_JSON, headers=location)
    response.headers.update(location)
    return job.report


@router.get("/households/template", responses={200: {"content": {XLSX_TYPE: {}, "text/csv": {}}}})
def households_template(
    principal: Reader, format: Literal["xlsx", "csv"] = Query("xlsx")
) -> Response:
    """The household list template: the header row, formats and a guide sheet."""
    if format == "csv":
        body, media_type = files.template_csv(), CSV_TYPE
    else:
        body, media_type = files.template_xlsx(), XLSX_TYPE
    disposition = f'attachment; filename="mau-danh-sach-ho.{format}"'
    return Response(body, media_type=media_type, headers={"Content-Disposition": disposition})


@router.get("", response_model=ImportJobPage, response_model_exclude_unset=True)
def list_imports(
    request: Request,
    response: Response,
    session: SessionDep,
    principal: Reader,
    page: Annotated[PageParams, Depends(page_params)],
):
    """Imports in the caller's places, newest first."""
    result = paginate(
        session,
        select(ImportJob),
        order=[(ImportJob.id, True)],
        params=page,
        request=request,
        response=response,
    )
    result["items"] = [
        {**job.model_dump(exclude={"report", "errors_file"}), "stats": job.report["stats"]}
        for job in result["items"]
    ]
    return result


def _job(session, import_id: str) -> ImportJob:
    job = session.exec(select(ImportJob).where(ImportJob.id == import_id)).first()
    if job is None:
        raise NotFound(f"No import {import_id!r}.")
    return job


@router.get("/{import_id}", response_model=ImportReport)
def read_import(import_id: str, session: SessionDep, principal: Reader):
    """An import's report."""
    return _job(session, import_id).report


@router.get("/{import_id}/errors", responses={200: {"content": {XLSX_TYPE: {}, "text/csv": {}}}})
def read_errors_file(
    import_id: str,
    session: SessionDep,
    principal: Reader,
    format: Literal["xlsx", "csv"] = Query("xlsx"),
) -> Response:
    """The original rows, in order, with the columns 'Lỗi' and 'Error (English)'."""
    job = _job(session, import_id)
    content = service.errors_content(job)
    if content is None:
        raise NotFound("This import had no errors.")
    if format == "csv":
        body, media_type = files.errors_csv(content), CSV_TYPE
    else:
        body, media_type = files.errors_xlsx(content), XLSX_TYPE
    disposition = f'attachment; filename="loi-nhap-{job.id}.{format}"'
    return Response(body, media_type=media_type, headers={"Content-Disposition": disposition})
