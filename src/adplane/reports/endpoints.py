"""HTTP endpoints of the report API (`/api/v3/ra/...`) and its static lists (`/api/v3/rb/static/...`)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Query, Request

from adplane.analytics.deps import AnalyticsDep
from adplane.auth.deps import PrincipalDep
from adplane.core.deps import SessionDep, SettingsDep
from adplane.core.envelopes import V3, v3
from adplane.core.errors import ValidationFailed
from adplane.core.schemas import MAX_DB_INT
from adplane.reports import catalog, definitions
from adplane.reports.responses import (
    DimensionMetricsDetail,
    ReportDownload,
    ReportRows,
    ReportsList,
    SavedReport,
    StaticItem,
)
from adplane.reports.schemas import DefinitionIn, DuplicateIn, ExecuteIn, ReportListIn

router = APIRouter(tags=["Report API"])

ReportIdPath = Annotated[int, Path(alias="reportId", ge=1, le=MAX_DB_INT)]

REQUEST_TYPES = [{"name": "daily", "id": 1, "label": "Daily"}, {"name": "total", "id": 2, "label": "Aggregated"}]
FILE_TYPES = [{"name": "csv", "id": 1, "label": "CSV"}, {"name": "xlsx", "id": 2, "label": "XLS"}]
DELIVERY_FREQUENCIES = [
    {"name": "One Time Now", "id": 1, "label": "One time now"},
    {"name": "DAY", "id": 2, "label": "Daily until"},
    {"name": "WEEK", "id": 3, "label": "Weekly until"},
    {"name": "MONTH", "id": 4, "label": "Monthly until"},
]


@router.get("/api/v3/rb/static/report-request-type", response_model=V3[list[StaticItem]])
def report_request_types(principal: PrincipalDep) -> dict:
    return v3(REQUEST_TYPES)


@router.get("/api/v3/rb/static/report-file-type", response_model=V3[list[StaticItem]])
def report_file_types(principal: PrincipalDep) -> dict:
    return v3(FILE_TYPES)


@router.get("/api/v3/rb/static/report-delivery-frequency", response_model=V3[list[StaticItem]])
def report_delivery_frequencies(principal: PrincipalDep) -> dict:
    return v3(DELIVERY_FREQUENCIES)


@router.get("/api/v3/ra/report/dimension-metrics/detail", response_model=V3[DimensionMetricsDetail])
def dimension_metrics(principal: PrincipalDep) -> dict:
    return v3(catalog.catalogue())


@router.post("/api/v3/ra/report/add", response_model=V3[int])
def add_report(body: DefinitionIn, principal: PrincipalDep, session: SessionDep, settings: SettingsDep) -> dict:
    return v3(definitions.create(session, principal, body, settings))


@router.get("/api/v3/ra/reports/list", response_model=V3[ReportsList])
def list_reports_get(
    principal: PrincipalDep,
    session: SessionDep,
    sort_by: Annotated[str | None, Query(alias="sortBy", max_length=200)] = None,
    search_field: Annotated[str | None, Query(alias="searchField", max_length=255)] = None,
    limit: Annotated[int | None, Query(ge=1, le=1000)] = None,
    page_no: Annotated[int | None, Query(alias="pageNo", ge=-1, le=1_000_000)] = None,
    customer_ids: Annotated[str | None, Query(alias="customerIds", max_length=2000)] = None,
) -> dict:
    if page_no == 0:
        raise ValidationFailed("pageNo must be 1 or more (or -1 for every report).", field="pageNo")
    body = ReportListIn(sort_by=sort_by, search_field=search_field, no_of_entries=limit or 20,
                        page_no=None if page_no == -1 else page_no)
    return v3(definitions.list_page(session, principal, body, paginate=page_no != -1))


@router.post("/api/v3/ra/reports/list", response_model=V3[ReportsList])
def list_reports_post(body: ReportListIn, principal: PrincipalDep, session: SessionDep) -> dict:
    if body.no_of_entries is None:
        body.no_of_entries = 20
    return v3(definitions.list_page(session, principal, body, paginate=True))


@router.post("/api/v3/ra/report/duplicate", response_model=V3[str])
def duplicate_report(body: DuplicateIn, principal: PrincipalDep, session: SessionDep) -> dict:
    return v3(definitions.duplicate(session, principal, body))


@router.post("/api/v3/ra/report/execute", response_model=V3[ReportRows])
def execute_report(body: ExecuteIn, principal: PrincipalDep, session: SessionDep, store: AnalyticsDep) -> dict:
    return v3(definitions.execute(session, store, principal, body))


@router.post("/api/v3/ra/report/download", response_model=V3[ReportDownload])
def download_report(body: ExecuteIn, request: Request, principal: PrincipalDep, session: SessionDep,
                    settings: SettingsDep, store: AnalyticsDep) -> dict:
    url = definitions.download(session, store, settings, principal, body, base_url=settings.public_base_url)
    return v3({"url": url})


@router.get("/api/v3/ra/report/{reportId}", response_model=V3[SavedReport])
def get_report(report_id: ReportIdPath, principal: PrincipalDep, session: SessionDep) -> dict:
    return v3(definitions.read(session, principal, report_id))


@router.patch("/api/v3/ra/report/{reportId}", response_model=V3[str])
def update_report(report_id: ReportIdPath, body: DefinitionIn, principal: PrincipalDep,
                  session: SessionDep, settings: SettingsDep) -> dict:
    return v3(definitions.update(session, principal, report_id, body, settings))


@router.delete("/api/v3/ra/report/{reportId}", response_model=V3[str])
def delete_report(report_id: ReportIdPath, principal: PrincipalDep, session: SessionDep) -> dict:
    return v3(definitions.delete(session, principal, report_id))

