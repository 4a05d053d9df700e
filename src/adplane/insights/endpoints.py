"""HTTP endpoints of the insights domain: PLD, SLS and AQS reports (`/api/v3/ins/...`)."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Body, Query, Request
from fastapi.responses import JSONResponse

from adplane.core.deps import PrincipalDep, SessionDep, SettingsDep
from adplane.core.envelopes import v3
from adplane.core.errors import ValidationFailed
from adplane.events.store import AnalyticsStore
from adplane.insights import files_out, wire
from adplane.insights import requests as req
from adplane.insights import service as svc
from adplane.insights.listing import list_reports
from adplane.insights.models import KIND_AQS, KIND_PLD, KIND_SLS, PldColumnChoice
from adplane.insights.schemas import AqsRequest, DownloadRequest, EmailRequest, PldRequest, SlsRequest

router = APIRouter(prefix="/api/v3/ins", tags=["Insights"])

PageNo = Annotated[int, Query(alias="pageNo", ge=1, le=1_000_000)]
NoOfEntries = Annotated[int, Query(alias="noOfEntries", ge=1, le=10_000)]
Search = Annotated[str, Query(alias="searchField", max_length=255)]
SortBy = Annotated[str | None, Query(alias="sortBy", max_length=255)]


def _store(request: Request) -> AnalyticsStore:
    return request.app.state.analytics


def _static(key: str, items: list[dict[str, Any]]) -> dict[str, Any]:
    return v3({"totalRecords": len(items), "filterRecords": len(items), "filteredRecords": len(items), key: items})


# --- static lists ------------------------------------------------------------------------------


@router.get("/static/insights/status/list")
def insight_statuses(principal: PrincipalDep) -> dict:
    return _static("insightsStatusData", wire.STATUSES)


@router.get("/static/insights/type/list")
def insight_types(principal: PrincipalDep) -> dict:
    return _static("insightsTypeData", wire.INSIGHT_TYPES)


@router.get("/static/aqs-reports/report-types")
def aqs_report_types(principal: PrincipalDep) -> dict:
    return v3({"reportTypeData": wire.AQS_REPORT_TYPES, "totalRecords": len(wire.AQS_REPORT_TYPES),
               "filteredRecords": len(wire.AQS_REPORT_TYPES)})


@router.get("/static/sls-reports/report-types")
def sls_report_types(principal: PrincipalDep) -> dict:
    return v3({"reportTypeData": wire.SLS_REPORT_TYPES, "totalRecords": len(wire.SLS_REPORT_TYPES),
               "filteredRecords": len(wire.SLS_REPORT_TYPES)})


# --- PLD ---------------------------------------------------------------------------------------


@router.get("/pld-reports")
def pld_list(session: SessionDep, principal: PrincipalDep, search: Search = "", page_no: PageNo = 1,
             no_of_entries: NoOfEntries = 200, sort_by: SortBy = None) -> dict:
    total, filtered, items = list_reports(session, principal.ow_id, KIND_PLD, search, page_no, no_of_entries, sort_by)
    return v3({"totalRecords": total, "pldReportDataList": items, "filteredRecords": filtered})


@router.delete("/pld-reports")
def pld_delete(session: SessionDep, principal: PrincipalDep,
               pld_ids: Annotated[str | None, Query(alias="pldIds", max_length=10_000)] = None) -> dict:
    ids = svc.parse_ids(pld_ids, "pldIds")
    return v3({"message": svc.delete_failed(session, principal.ow_id, KIND_PLD, ids, "pldIds")})


@router.get("/pld-reports/campaigns")
def pld_campaigns(session: SessionDep, principal: PrincipalDep) -> dict:
    return v3(svc.eligible_campaigns(session, principal.ow_id, KIND_PLD))


@router.get("/pld-reports/columns")
def pld_columns(session: SessionDep, principal: PrincipalDep) -> dict:
    choice = session.get(PldColumnChoice, principal.uow_id)
    return v3({**wire.PLD_COLUMNS, **(choice.columns if choice else {})})


@router.post("/pld-reports/columns")
def pld_columns_save(session: SessionDep, principal: PrincipalDep,
                     body: Annotated[dict[str, Any], Body()]) -> dict:
    for key, value in body.items():
        if key not in wire.PLD_COLUMNS:
            raise ValidationFailed(f"Unknown PLD column: {key}", field=key)
        if not isinstance(value, bool):
            raise ValidationFailed(f"{key} must be true or false", field=key)
    choice = session.get(PldColumnChoice, principal.uow_id)
    merged = {**wire.PLD_COLUMNS, **(choice.columns if choice else {}), **body}
    if choice is None:
        session.add(PldColumnChoice(uow_id=principal.uow_id, columns=merged))
    else:
        choice.columns = merged
    session.commit()
    return v3(merged)


@router.post("/pld-report")
@router.post("/pld-reports", include_in_schema=False)
def pld_generate(request: Request, session: SessionDep, principal: PrincipalDep, body: PldRequest) -> dict:
    return v3(req.pld_generate(session, _store(request), principal, body))


@router.post("/pld-report/download")
@router.post("/pld-reports/download", include_in_schema=False)
def pld_download(request: Request, session: SessionDep, principal: PrincipalDep, settings: SettingsDep,
                 body: DownloadRequest) -> dict:
    url = files_out.download_url(session, settings, principal.ow_id, KIND_PLD, body.pld_id, "pldId",
                                 body.type_id, str(request.base_url))
    return v3({"pldReportUrl": url})


@router.post("/pld-report/email")
@router.post("/pld-reports/email", include_in_schema=False)
def pld_email(session: SessionDep, principal: PrincipalDep, settings: SettingsDep, body: EmailRequest) -> dict:
    files_out.email_report(session, settings, principal.ow_id, KIND_PLD, body.pld_id, "pldId", body.type_id,
                           body.email_ids)
    return v3({"message": "PLD report e-mail sent successfully."})


# --- SLS ---------------------------------------------------------------------------------------


@router.get("/sls-reports")
def sls_list(session: SessionDep, principal: PrincipalDep, search: Search = "", page_no: PageNo = 1,
             no_of_entries: NoOfEntries = 200, sort_by: SortBy = None) -> dict:
    total, filtered, items = list_reports(session, principal.ow_id, KIND_SLS, search, page_no, no_of_entries, sort_by)
    return v3({"totalRecords": total, "slsReportDataList": items, "filteredRecords": filtered})


@router.delete("/sls-reports")
def sls_delete(session: SessionDep, principal: PrincipalDep,
               sls_ids: Annotated[str | None, Query(alias="slsIds", max_length=10_000)] = None) -> dict:
    ids = svc.parse_ids(sls_ids, "slsIds")
    return v3({"message": svc.delete_failed(session, principal.ow_id, KIND_SLS, ids, "slsIds")})


@router.get("/sls-reports/campaigns")
def sls_campaigns(session: SessionDep, principal: PrincipalDep) -> dict:
    return v3(svc.eligible_campaigns(session, principal.ow_id, KIND_SLS))


@router.get("/sls-reports/validate/name", response_model=None)
def sls_validate_name(session: SessionDep, principal: PrincipalDep,
                      report_name: Annotated[str | None, Query(alias="reportName", max_length=1000)] = None,
                      ) -> dict | JSONResponse:
    name = (report_name or "").strip()
    if not svc.NAME_MIN <= len(name) <= svc.NAME_MAX:
        return JSONResponse({"success": False, "data": "Please provide name with at least 3 characters and "
                                                        "maximum of 100 characters"}, status_code=400)
    if svc.name_taken(session, principal.ow_id, KIND_SLS, name):
        return JSONResponse({"success": False, "data": svc.name_used_message(name)}, status_code=400)
    return v3("This SLS report name is valid")


@router.post("/sls-reports")
def sls_generate(request: Request, session: SessionDep, principal: PrincipalDep, body: SlsRequest) -> dict:
    return v3(req.sls_submit(session, _store(request), principal, body, dry_run=False))


@router.post("/sls-reports/computation")
def sls_computation(request: Request, session: SessionDep, principal: PrincipalDep, body: SlsRequest) -> dict:
    return v3(req.sls_submit(session, _store(request), principal, body, dry_run=True))


@router.post("/sls-reports/download")
def sls_download(request: Request, session: SessionDep, principal: PrincipalDep, settings: SettingsDep,
                 body: DownloadRequest) -> dict:
    url = files_out.download_url(session, settings, principal.ow_id, KIND_SLS, body.sls_id, "slsId",
                                 body.type_id, str(request.base_url))
    return v3({"slsReportUrl": url})


@router.post("/sls-reports/email")
def sls_email(session: SessionDep, principal: PrincipalDep, settings: SettingsDep, body: EmailRequest) -> dict:
    files_out.email_report(session, settings, principal.ow_id, KIND_SLS, body.sls_id, "slsId", body.type_id,
                           body.email_ids)
    return v3({"message": "SLS report e-mail sent successfully."})


# --- AQS ---------------------------------------------------------------------------------------


@router.get("/aqs-reports")
def aqs_list(session: SessionDep, principal: PrincipalDep, search: Search = "", page_no: PageNo = 1,
             no_of_entries: NoOfEntries = 200, sort_by: SortBy = None) -> dict:
    total, filtered, items = list_reports(session, principal.ow_id, KIND_AQS, search, page_no, no_of_entries, sort_by)
    return v3({"totalRecords": total, "reportDataList": items, "filteredRecords": filtered})


@router.delete("/aqs-reports")
def aqs_delete(session: SessionDep, principal: PrincipalDep,
               report_ids: Annotated[str | None, Query(alias="reportIds", max_length=10_000)] = None) -> dict:
    ids = svc.parse_ids(report_ids, "reportIds")
    return v3({"message": svc.delete_failed(session, principal.ow_id, KIND_AQS, ids, "reportIds")})


@router.get("/aqs-reports/campaigns")
def aqs_campaigns(session: SessionDep, principal: PrincipalDep) -> dict:
    return v3(svc.eligible_campaigns(session, principal.ow_id, KIND_AQS))


@router.get("/aqs-reports/validate/name")
def aqs_validate_name(session: SessionDep, principal: PrincipalDep,
                      report_name: Annotated[str | None, Query(alias="reportName", max_length=1000)] = None) -> dict:
    name = svc.check_name_length(report_name, "reportName")
    if svc.name_taken(session, principal.ow_id, KIND_AQS, name):
        return v3({"available": False, "message": svc.name_used_message(name)})
    return v3({"available": True, "message": "This AQS report name is valid"})


@router.post("/aqs-reports")
def aqs_generate(request: Request, session: SessionDep, principal: PrincipalDep, body: AqsRequest) -> dict:
    return v3(req.aqs_submit(session, _store(request), principal, body, dry_run=False))


@router.post("/aqs-reports/computation")
def aqs_computation(request: Request, session: SessionDep, principal: PrincipalDep, body: AqsRequest) -> dict:
    return v3(req.aqs_submit(session, _store(request), principal, body, dry_run=True))


@router.post("/aqs-reports/download")
def aqs_download(request: Request, session: SessionDep, principal: PrincipalDep, settings: SettingsDep,
                 body: DownloadRequest) -> dict:
    url = files_out.download_url(session, settings, principal.ow_id, KIND_AQS, body.report_id, "reportId",
                                 body.type_id, str(request.base_url))
    return v3({"reportUrl": url})


@router.post("/aqs-reports/email")
def aqs_email(session: SessionDep, principal: PrincipalDep, settings: SettingsDep, body: EmailRequest) -> dict:
    files_out.email_report(session, settings, principal.ow_id, KIND_AQS, body.report_id, "reportId", body.type_id,
                           body.email_ids)
    return v3({"message": "AQS report e-mail sent successfully."})

