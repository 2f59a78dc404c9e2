"""/api/v1/reports/...: every report as JSON, or ?format=csv|xlsx; /api/v1/targets."""

from datetime import date
from typing import Annotated, Literal

from fastapi import APIRouter, Depends, Query, Request, Response, status
from sqlmodel import select

from api.core.dates import today_in_vietnam
from api.core.etag import require_if_match, set_etag
from api.core.pagination import PageParams, page_params, paginate
from api.db import SessionDep
from api.deps import Admin, Reader
from api.models import Target
from api.people.stability import stability_report
from api.reports import field, poverty, supports, targets, warning
from api.reports.common import find_place
from api.reports.schemas import (
    CoverageReport,
    EarlyWarningReport,
    NeedsReport,
    PovertyRateReport,
    ProgressReport,
    SupportsReport,
    TargetCreate,
    TargetPage,
    TargetPublic,
    TargetUpdate,
    TransitionsReport,
    VisitCoverageReport,
    WorkloadReport,
)
from api.reports.tables import EXPORT_RESPONSES, render

router = APIRouter(prefix="/reports", tags=["reports"])
targets_router = APIRouter(prefix="/targets", tags=["reports"])

Format = Annotated[
    Literal["json", "csv", "xlsx"],
    Query(description="json (default), csv (UTF-8 with BOM) or xlsx"),
]
Year = Annotated[int | None, Query(ge=2000, le=2100, description="Default: the latest review year")]
PlaceId = Annotated[
    str | None, Query(max_length=32, description="Any level: the whole subtree (default: all)")
]


def _answer(report: dict, table_of, fmt: str):
    return report if fmt == "json" else render(table_of(report), fmt)


REPORTS = [
    ("poverty-rate", "Tỷ lệ hộ nghèo, cận nghèo theo năm, địa bàn, dân tộc"),
    ("transitions", "Hộ nghèo phát sinh, tái nghèo, thoát nghèo theo năm"),
    ("progress", "Tiến độ so với chỉ tiêu giảm nghèo"),
    ("supports", "Kết quả hỗ trợ theo lĩnh vực, chính sách, cơ quan, nguồn vốn"),
    ("support-coverage", "Tỷ lệ hộ nghèo, cận nghèo được hỗ trợ theo lĩnh vực"),
    ("needs", "Nhu cầu chưa được đáp ứng theo lĩnh vực"),
    ("visit-coverage", "Thăm hộ đúng hạn: hộ nghèo, cận nghèo, mới thoát nghèo"),
    ("workload", "Số hộ phụ trách và lượt thăm của từng người"),
    ("assignment-stability", "Ổn định người phụ trách"),
    ("early-warning", "Danh sách cảnh báo sớm nguy cơ tái nghèo"),
]


@router.get("")
def list_reports(principal: Reader):
    """The reports this API computes (each also as ?format=csv and ?format=xlsx)."""
    return {
        "items": [
            {"name": name, "title_vi": title, "url": f"/api/v1/reports/{name}"}
            for name, title in REPORTS
        ]
    }


@router.get("/poverty-rate", response_model=PovertyRateReport, responses=EXPORT_RESPONSES)
def read_poverty_rate(
    session: SessionDep,
    principal: Reader,
    year: Year = None,
    place_id: PlaceId = None,
    by: Literal["place", "ethnicity"] = Query("place"),
    ethnicity: str | None = Query(None, max_length=32, description="Only this ethnicity"),
    format: Format = "json",
):
    """Poor and near-poor households of the year among all the households active that year
    (registered by 31 December, not archived by then). by=place: one row per child place of
    `place_id` (per commune without it); by=ethnicity: one row per ethnicity."""
    report = poverty.poverty_rate_report(
        session, year=year, place_id=place_id, by=by, ethnicity=ethnicity
    )
    return _answer(report, poverty.poverty_rate_table, format)


@router.get("/transitions", response_model=TransitionsReport, responses=EXPORT_RESPONSES)
def read_transitions(
    session: SessionDep,
    principal: Reader,
    year: Year = None,
    from_year: int | None = Query(None, ge=2000, le=2100),
    to_year: int | None = Query(None, ge=2000, le=2100),
    place_id: PlaceId = None,
    by: Literal["year", "place", "ethnicity"] = Query("year"),
    format: Format = "json",
):
    """Newly poor, re-poor and escaped households per year (by=year, from_year..to_year), or
    in one year by place or ethnicity."""
    report = poverty.transitions_report(
        session, year=year, from_year=from_year, to_year=to_year, place_id=place_id, by=by
    )
    return _answer(report, poverty.transitions_table, format)


@router.get("/progress", response_model=ProgressReport, responses=EXPORT_RESPONSES)
def read_progress(
    session: SessionDep,
    principal: Reader,
    place_id: PlaceId = None,
    year: int | None = Query(None, ge=2000, le=2100, description="Targets of this year"),
    kind: Literal["poor", "near_poor"] | None = None,
    format: Format = "json",
):
    """Each target with the latest actual rate, the gap and the yearly pace still needed."""
    report = targets.progress_report(session, place_id=place_id, year=year, kind=kind)
    return _answer(report, targets.progress_table, format)


@router.get("/supports", response_model=SupportsReport, responses=EXPORT_RESPONSES)
def read_supports(
    session: SessionDep,
    principal: Reader,
    year: Year = None,
    date_from: date | None = None,
    date_to: date | None = None,
    place_id: PlaceId = None,
    by: Literal["category", "policy", "agency", "funding_source"] = Query("category"),
    format: Format = "json",
):
    """Support delivered in the year (or between two dates): households reached, records
    and VND, by category, policy, agency or funding source."""
    report = supports.supports_report(
        session, year=year, date_from=date_from, date_to=date_to, place_id=place_id, by=by
    )
    return _answer(report, supports.supports_table, format)


@router.get("/support-coverage", response_model=CoverageReport, responses=EXPORT_RESPONSES)
def read_support_coverage(
    session: SessionDep,
    principal: Reader,
    year: Year = None,
    place_id: PlaceId = None,
    format: Format = "json",
):
    """Share of the year's poor and near-poor households that received each category of
    support that year (health: the health-insurance card, and so on)."""
    report = supports.coverage_report(session, year=year, place_id=place_id)
    return _answer(report, supports.coverage_table, format)


@router.get("/needs", response_model=NeedsReport, responses=EXPORT_RESPONSES)
def read_needs(
    session: SessionDep,
    principal: Reader,
    year: Year = None,
    place_id: PlaceId = None,
    format: Format = "json",
):
    """Needs still open by category, and those met during the year."""
    report = supports.needs_report(session, year=year, place_id=place_id)
    return _answer(report, supports.needs_table, format)


@router.get("/visit-coverage", response_model=VisitCoverageReport, responses=EXPORT_RESPONSES)
def read_visit_coverage(
    session: SessionDep,
    principal: Reader,
    year: Year = None,
    place_id: PlaceId = None,
    format: Format = "json",
):
    """Poor, near-poor and recently escaped households visited in the year, and visited by
    their due dates (at least once in every quarter that has ended)."""
    report = field.visit_coverage_report(session, year=year, place_id=place_id)
    return _answer(report, field.visit_coverage_table, format)


@router.get("/workload", response_model=WorkloadReport, responses=EXPORT_RESPONSES)
def read_workload(
    session: SessionDep,
    principal: Reader,
    year: int | None = Query(None, ge=2000, le=2100, description="Default: this year"),
    place_id: PlaceId = None,
    format: Format = "json",
):
    """Each person in charge: households in charge, visits recorded, households visited."""
    report = field.workload_report(session, year=year, place_id=place_id)
    return _answer(report, field.workload_table, format)


@router.get("/assignment-stability", responses=EXPORT_RESPONSES)
def read_assignment_stability(
    session: SessionDep,
    principal: Reader,
    year: int | None = Query(None, ge=2000, le=2100, description="Default: this year"),
    place_id: PlaceId = None,
    by: Literal["commune", "place"] = Query("commune"),
    format: Format = "json",
):
    """Changes of the person in charge per household (the same figures as
    /api/v1/assignments/stability), exportable."""
    find_place(session, place_id)
    report = stability_report(
        session, year=year or today_in_vietnam().year, place_id=place_id, by=by
    )
    return _answer(report, field.stability_table, format)


@router.get("/early-warning", response_model=EarlyWarningReport, responses=EXPORT_RESPONSES)
def read_early_warning(
    session: SessionDep,
    principal: Reader,
    place_id: PlaceId = None,
    min_score: int = Query(0, ge=0, le=100),
    limit: int = Query(500, ge=1, le=10_000, description="Rows listed (the counts cover all)"),
    format: Format = "json",
):
    """Near-poor and escaped households by re-poverty risk, highest first, with the reasons."""
    report = warning.early_warning_report(
        session, place_id=place_id, min_score=min_score, limit=limit
    )
    return _answer(report, warning.early_warning_table, format)


# -- targets -----------------------------------------------------------------------------------


@targets_router.post("", response_model=TargetPublic, status_code=status.HTTP_201_CREATED)
def create_target(data: TargetCreate, session: SessionDep, principal: Admin, response: Response):
    """A target: a place, a year and the maximum rate, e.g. 4 % poor households by 2020."""
    target = targets.create_target(session, principal=principal, data=data)
    set_etag(response, target)
    response.headers["Location"] = f"/api/v1/targets/{target.id}"
    return _public(session, target)


@targets_router.get("", response_model=TargetPage, response_model_exclude_unset=True)
def list_targets(
    request: Request,
    response: Response,
    session: SessionDep,
    principal: Reader,
    page: Annotated[PageParams, Depends(page_params)],
    place_id: PlaceId = None,
    year: int | None = Query(None, ge=2000, le=2100),
    kind: Literal["poor", "near_poor"] | None = None,
):
    """Targets of the caller's places and of the places above them."""
    stmt = select(Target)
    if place_id is not None:
        stmt = stmt.where(Target.place_id == place_id)
    if year is not None:
        stmt = stmt.where(Target.year == year)
    if kind is not None:
        stmt = stmt.where(Target.kind == kind)
    result = paginate(
        session, stmt, order=[(Target.id, False)], params=page, request=request, response=response
    )
    places = targets.places_by_id(session, [t.place_id for t in result["items"]])
    result["items"] = [targets.target_public(t, places.get(t.place_id)) for t in result["items"]]
    return result


@targets_router.get("/{target_id}", response_model=TargetPublic)
def read_target(target_id: str, session: SessionDep, principal: Reader, response: Response):
    target = targets.get_target_or_raise(session, target_id)
    set_etag(response, target)
    return _public(session, target)


@targets_router.patch("/{target_id}", response_model=TargetPublic)
def update_target(
    target_id: str,
    data: TargetUpdate,
    request: Request,
    response: Response,
    session: SessionDep,
    principal: Admin,
):
    """Change the year, kind, rate or source note (needs If-Match)."""
    target = targets.get_target_or_raise(session, target_id, for_update=True)
    require_if_match(request, target)
    target = targets.update_target(session, principal=principal, target=target, data=data)
    set_etag(response, target)
    return _public(session, target)


@targets_router.delete("/{target_id}", status_code=status.HTTP_204_NO_CONTENT)
def delete_target(target_id: str, request: Request, session: SessionDep, principal: Admin):
    """Remove a target (needs If-Match); the audit trail keeps it."""
    target = targets.get_target_or_raise(session, target_id, for_update=True)
    require_if_match(request, target)
    targets.delete_target(session, principal=principal, target=target)
    return Response(status_code=status.HTTP_204_NO_CONTENT)


def _public(session, target: Target) -> dict:
    places = targets.places_by_id(session, [target.place_id])
    return targets.target_public(target, places.get(target.place_id))
