"""Importing a household list (Excel or CSV): upload, the row-level report, the errors file.

The API reads and checks the file; the web app forwards it and shows the report, each bad
row named by its row number and column, in the officer's language."""

import asyncio

from fastapi import APIRouter, HTTPException, Request
from starlette.datastructures import UploadFile
from starlette.responses import Response

from web.client import ApiClient, ApiError, ApiUnavailable
from web.client_reports import Download
from web.deps import Api, OfficerSession
from web.errors import API_UNAVAILABLE
from web.forms.state import FormState
from web.htmx import redirect
from web.i18n import N_, locale_from, translations_for
from web.reference import load_places
from web.rendering import render
from web.screens import segment
from web.sessions import Session

router = APIRouter()
FIELDS = ("place_id", "mode", "atomic", "file")
FORMATS = ("xlsx", "csv")
CHOOSE_FILE = N_("Please choose the file to import.")
CHOOSE_PLACE = N_("Please choose where the households of the list live.")


async def _render_page(
    request: Request,
    api: ApiClient,
    session: Session,
    form: FormState,
    *,
    status_code: int = 200,
) -> Response:
    places, imports = await asyncio.gather(load_places(api), api.list_imports())
    own = set(session.officer.place_ids if session.officer else [])
    context = {
        "form": form,
        "imports": imports,
        "places": places,
        # An officer imports into their own places (and below), never the district above.
        "place_options": [
            (place.id, "\u2003" * places.depth_of(place) + place.name)
            for place in places.sorted_places()
            if place.level not in ("province",)
            and (not own or own.intersection(places.chain_of(place.id)))
        ],
    }
    return render(request, "pages/imports.html", context, status_code=status_code)


def _own_place(session: Session) -> str:
    """The officer's place when they have exactly one: the list's households live there."""
    place_ids = session.officer.place_ids if session.officer else []
    return place_ids[0] if len(place_ids) == 1 else ""


@router.get("/imports")
async def imports_page(request: Request, api: Api, session: OfficerSession) -> Response:
    form = FormState.blank(FIELDS, mode="validate", atomic="row", place_id=_own_place(session))
    return await _render_page(request, api, session, form)


@router.post("/imports")
async def upload(request: Request, api: Api, session: OfficerSession) -> Response:
    submitted = await request.form()
    form = FormState.from_submission(submitted, FIELDS)
    gettext = translations_for(request).gettext
    upload_file = submitted.get("file")
    if not isinstance(upload_file, UploadFile) or not upload_file.filename:
        form.add_error("file", gettext(CHOOSE_FILE))
    place_id = form.value_of("place_id") or _own_place(session)
    if not place_id:
        # The API needs to know where the households live; asked without, it could only
        # answer with a sentence meant for developers.
        form.add_error("place_id", gettext(CHOOSE_PLACE))
    if form.errors or not isinstance(upload_file, UploadFile):
        return await _render_page(request, api, session, form, status_code=422)
    mode = form.value_of("mode") or "validate"
    params = {"place_id": place_id, "mode": mode, "atomic": form.value_of("atomic") or "all"}
    content = await upload_file.read()
    try:
        report = await api.import_households(content, file_name=upload_file.filename, params=params)
    except ApiUnavailable:
        form.form_errors.append(gettext(API_UNAVAILABLE.message))
        return await _render_page(request, api, session, form, status_code=503)
    except ApiError as exc:
        if exc.status not in (400, 403, 404, 413, 415, 422):
            raise
        if exc.errors and not exc.detail_vi:
            form.apply_problem(exc, gettext)
        else:
            form.form_errors.append(exc.detail_in(locale_from(request)))
        return await _render_page(request, api, session, form, status_code=422)
    if mode == "commit" and report.get("id"):
        # Saved (or refused as a whole): the report has its own page, so reloading it
        # never sends the file again.
        return redirect(request, f"/imports/{segment(str(report['id']))}")
    return render(request, "pages/import_report.html", {"report": report, "fresh": True})


@router.get("/imports/template")
async def template(api: Api, format: str = "xlsx") -> Response:
    if format not in FORMATS:
        raise HTTPException(status_code=404)
    download = await api.download("imports", "households", "template", params={"format": format})
    return _file(download)


@router.get("/imports/{import_id}")
async def show_import(request: Request, import_id: str, api: Api) -> Response:
    report = await api.get_import(import_id)
    return render(request, "pages/import_report.html", {"report": report, "fresh": False})


@router.get("/imports/{import_id}/errors")
async def errors_file(import_id: str, api: Api, format: str = "xlsx") -> Response:
    if format not in FORMATS:
        raise HTTPException(status_code=404)
    download = await api.download("imports", import_id, "errors", params={"format": format})
    return _file(download)


def _file(download: Download) -> Response:
    return Response(
        download.content,
        media_type=download.media_type,
        headers={"Content-Disposition": download.disposition},
    )
