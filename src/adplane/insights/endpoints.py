"""HTTP endpoints of the insights domain: PLD, SLS and AQS reports (`/api/v3/ins/...`)."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Body, Query, Request
from fastapi.responses import JSONResponse

from adplane.analytics.store import AnalyticsStore
from adplane.auth.deps import PrincipalDep
from adplane.core.deps import SessionDep, SettingsDep
from adplane.core.envelopes import V3, Message, v3
from adplane.core.errors import ValidationFailed
from adplane.core.listing import parse_ids
from adplane.insights import files_out, kinds, wire
from adplane.insights import requests as req
from adplane.insights import service as svc
from adplane.insights.kinds import InsightKind
from adplane.insights.listing import list_reports
from adplane.insights.models import KIND_AQS, KIND_SLS, PldColumnChoice
from adplane.insights.responses import (
    AqsAnswer,
    AqsList,
    AqsUrl,
    EligibleCampaigns,
    InsightStatuses,
    InsightTypes,
    NameCheck,
    PldAnswer,
    PldColumns,
    PldList,
    PldUrl,
    ReportTypes,
    SlsAnswer,
    SlsList,
    SlsUrl,
)
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


@router.get("/static/insights/status/list", response_model=V3[InsightStatuses])
def insight_statuses(principal: PrincipalDep) -> dict:
    return _static("insightsStatusData", wire.STATUSES)


@router.get("/static/insights/type/list", response_model=V3[InsightTypes])
def insight_types(principal: PrincipalDep) -> dict:
    return _static("insightsTypeData", wire.INSIGHT_TYPES)


@router.get("/static/aqs-reports/report-types", response_model=V3[ReportTypes])
def aqs_report_types(principal: PrincipalDep) -> dict:
    return v3({"reportTypeData": wire.AQS_REPORT_TYPES, "totalRecords": len(wire.AQS_REPORT_TYPES),
               "filteredRecords": len(wire.AQS_REPORT_TYPES)})


@router.get("/static/sls-reports/report-types", response_model=V3[ReportTypes])
def sls_report_types(principal: PrincipalDep) -> dict:
    return v3({"reportTypeData": wire.SLS_REPORT_TYPES, "totalRecords": len(wire.SLS_REPORT_TYPES),
               "filteredRecords": len(wire.SLS_REPORT_TYPES)})


# --- what every kind has: list, delete, eligible campaigns, download, e-mail ---------------------


def _kind_routes(spec: InsightKind, list_model: type, url_model: type) -> None:
    """The kind's routes, named (so with the operation ids) as when each was written out per kind;
    `list_model`/`url_model` are its V3 envelopes."""
    kind = spec.kind

    def list_(session: SessionDep, principal: PrincipalDep, search: Search = "", page_no: PageNo = 1,
              no_of_entries: NoOfEntries = 200, sort_by: SortBy = None) -> dict:
        total, filtered, items = list_reports(session, principal.ow_id, kind, search, page_no, no_of_entries,
                                              sort_by)
        return v3({"totalRecords": total, spec.list_key: items, "filteredRecords": filtered})

    def delete(session: SessionDep, principal: PrincipalDep, ids: str | None = None) -> dict:
        wanted = parse_ids(ids, spec.ids_param, required=True)
        return v3({"message": svc.delete_failed(session, principal.ow_id, kind, wanted, spec.ids_param)})

    # the query's wire name is the kind's; a string annotation could not see `spec`, so set the object
    delete.__annotations__["ids"] = Annotated[str | None, Query(alias=spec.ids_param, max_length=10_000)]

    def campaigns(session: SessionDep, principal: PrincipalDep) -> dict:
        return v3(svc.eligible_campaigns(session, principal.ow_id, kind))

    def download(session: SessionDep, principal: PrincipalDep, settings: SettingsDep, body: DownloadRequest) -> dict:
        url = files_out.download_url(session, settings, principal.ow_id, kind, spec.report_id(body), spec.id_field,
                                     body.type_id, settings.public_base_url)
        return v3({spec.url_key: url})

    def email(session: SessionDep, principal: PrincipalDep, settings: SettingsDep, body: EmailRequest) -> dict:
        files_out.email_report(session, settings, principal.ow_id, kind, spec.report_id(body), spec.id_field,
                               body.type_id, body.email_ids)
        return v3({"message": spec.email_message()})

    plural = f"/{spec.plural_path}"
    router.add_api_route(plural, list_, methods=["GET"], name=f"{kind}_list", response_model=list_model)
    router.add_api_route(plural, delete, methods=["DELETE"], name=f"{kind}_delete", response_model=V3[Message])
    router.add_api_route(f"{plural}/campaigns", campaigns, methods=["GET"], name=f"{kind}_campaigns",
                         response_model=V3[EligibleCampaigns])
    for action, endpoint, model in (("download", download, url_model), ("email", email, V3[Message])):
        # a kind with an older singular path documents that one; the plural one still answers
        paths = [f"/{spec.single_path}/{action}", f"{plural}/{action}"] if spec.single_path else [f"{plural}/{action}"]
        for number, path in enumerate(paths):
            router.add_api_route(path, endpoint, methods=["POST"], name=f"{kind}_{action}",
                                 response_model=model, include_in_schema=number == 0)


_kind_routes(kinds.PLD, V3[PldList], V3[PldUrl])
_kind_routes(kinds.SLS, V3[SlsList], V3[SlsUrl])
_kind_routes(kinds.AQS, V3[AqsList], V3[AqsUrl])


# --- PLD ---------------------------------------------------------------------------------------


@router.get("/pld-reports/columns", response_model=V3[PldColumns])
def pld_columns(session: SessionDep, principal: PrincipalDep) -> dict:
    choice = session.get(PldColumnChoice, principal.uow_id)
    return v3({**wire.PLD_COLUMNS, **(choice.columns if choice else {})})


@router.post("/pld-reports/columns", response_model=V3[PldColumns])
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


@router.post("/pld-report", response_model=V3[PldAnswer])
@router.post("/pld-reports", include_in_schema=False, response_model=V3[PldAnswer])
def pld_generate(request: Request, session: SessionDep, principal: PrincipalDep, body: PldRequest) -> dict:
    return v3(req.pld_generate(session, _store(request), principal, body))


# --- SLS ---------------------------------------------------------------------------------------


@router.get("/sls-reports/validate/name", response_model=V3[str])
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


@router.post("/sls-reports", response_model=V3[SlsAnswer])
def sls_generate(request: Request, session: SessionDep, principal: PrincipalDep, body: SlsRequest) -> dict:
    return v3(req.sls_submit(session, _store(request), principal, body, dry_run=False))


@router.post("/sls-reports/computation", response_model=V3[SlsAnswer])
def sls_computation(request: Request, session: SessionDep, principal: PrincipalDep, body: SlsRequest) -> dict:
    return v3(req.sls_submit(session, _store(request), principal, body, dry_run=True))


# --- AQS ---------------------------------------------------------------------------------------


@router.get("/aqs-reports/validate/name", response_model=V3[NameCheck])
def aqs_validate_name(session: SessionDep, principal: PrincipalDep,
                      report_name: Annotated[str | None, Query(alias="reportName", max_length=1000)] = None) -> dict:
    name = svc.check_name_length(report_name, "reportName")
    if svc.name_taken(session, principal.ow_id, KIND_AQS, name):
        return v3({"available": False, "message": svc.name_used_message(name)})
    return v3({"available": True, "message": "This AQS report name is valid"})


@router.post("/aqs-reports", response_model=V3[AqsAnswer])
def aqs_generate(request: Request, session: SessionDep, principal: PrincipalDep, body: AqsRequest) -> dict:
    return v3(req.aqs_submit(session, _store(request), principal, body, dry_run=False))


@router.post("/aqs-reports/computation", response_model=V3[AqsAnswer])
def aqs_computation(request: Request, session: SessionDep, principal: PrincipalDep, body: AqsRequest) -> dict:
    return v3(req.aqs_submit(session, _store(request), principal, body, dry_run=True))
