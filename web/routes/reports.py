"""Reports: pick one, filter it, read its chart and table, download it as CSV or Excel.

The API computes and formats the files; the web app passes them through, so the officer's
token never reaches the browser."""

import asyncio
from typing import Any
from urllib.parse import urlencode

from fastapi import APIRouter, HTTPException, Request
from starlette.responses import Response

from web.client import ApiClient
from web.deps import Api
from web.i18n import locale_from, translations_for
from web.labels import label_msgid
from web.reference import load_ethnicities, load_places
from web.rendering import render
from web.report_views import (
    BY_NAME,
    MIN_SCORE,
    PLACE,
    RANGE,
    VIEWS,
    YEAR,
    ReportView,
    chart_for,
    flatten_progress,
)
from web.screens import today

router = APIRouter()
FORMATS = ("csv", "xlsx")
RANGE_YEARS = 5
FILTER_NAMES = ("year", "place_id", "by", "min_score")


def _params(view: ReportView, query: dict[str, str]) -> dict[str, Any]:
    """The API query for ``view`` from the page's query string (only the filters it takes)."""
    params: dict[str, Any] = {}
    year = query.get("year", "")
    if YEAR in view.filters and year.isdigit():
        params["year"] = int(year)
    if RANGE in view.filters:
        last = int(year) if year.isdigit() else today().year
        params |= {"from_year": last - RANGE_YEARS + 1, "to_year": last, "by": "year"}
    if PLACE in view.filters and query.get("place_id"):
        params["place_id"] = query["place_id"]
    by = query.get("by", "")
    if view.by_options and by in dict(view.by_options):
        params["by"] = by
    min_score = query.get("min_score", "")
    if MIN_SCORE in view.filters and min_score.isdigit():
        params["min_score"] = int(min_score)
    return params


def _row_labels(
    request: Request, view: ReportView, params: dict[str, Any], rows: list[dict], names: Any
) -> list[str]:
    gettext = translations_for(request).gettext
    labels = []
    for row in rows:
        key = row.get("key")
        msgid = label_msgid(view.label_set, key) if view.label_set else None
        if msgid:
            labels.append(gettext(msgid))
        elif params.get("by") == "ethnicity" and key:
            labels.append(names.name_of(key))
        else:
            labels.append(str(row.get("label", key or "")))
    return labels


async def _load(api: ApiClient, view: ReportView, params: dict[str, Any]) -> dict[str, Any]:
    report = await api.report(view.name, params)
    return flatten_progress(report) if view.name == "progress" else report


@router.get("/reports")
async def reports(request: Request, api: Api) -> Response:
    query = dict(request.query_params)
    view = BY_NAME.get(query.get("report", ""), VIEWS[0])
    params = _params(view, query)
    places, ethnicities, report = await asyncio.gather(
        load_places(api), load_ethnicities(api, locale_from(request)), _load(api, view, params)
    )
    rows = report.get(view.rows_key, [])
    labels = _row_labels(request, view, params, rows, ethnicities)
    filters = {name: query[name] for name in FILTER_NAMES if query.get(name)}
    export_query = {**filters, "report": view.name}
    context = {
        "views": VIEWS,
        "view": view,
        "query": query,
        "params": params,
        "report": report,
        "rows": list(zip(labels, rows, strict=True)),
        "total": report.get("total") if isinstance(report.get("total"), dict) else None,
        "chart": chart_for(view, rows, labels, locale_from(request)),
        "places": places,
        "years": list(range(today().year, today().year - 10, -1)),
        "exports": {
            fmt: "/reports/export?" + urlencode({**export_query, "format": fmt}) for fmt in FORMATS
        },
    }
    return render(request, "pages/reports.html", context)


@router.get("/reports/export")
async def export(request: Request, api: Api) -> Response:
    query = dict(request.query_params)
    view = BY_NAME.get(query.get("report", ""))
    fmt = query.get("format", "")
    if view is None or fmt not in FORMATS:
        raise HTTPException(status_code=404)
    params = _params(view, query)
    download = await api.export_report(view.name, params, fmt)
    return Response(
        download.content,
        media_type=download.media_type,
        headers={"Content-Disposition": download.disposition},
    )
