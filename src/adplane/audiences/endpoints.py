"""HTTP endpoints of the audiences domain (IQM's Audience API).

Paths follow IQM's guides; the older paths of its published OpenAPI document (`/api/v2/audience/...`,
`/api/v3/audience/static/matched/...`) are served too, with the v2 envelope where they are v2."""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path, PurePosixPath
from typing import Annotated, Any

from fastapi import APIRouter, Body, Query, Request
from pydantic import ValidationError
from sqlalchemy.orm import Session
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import UploadFile as StarletteUploadFile

from adplane.audiences import catalog, service
from adplane.audiences.responses import (
    AudienceCreated,
    AudienceList,
    ColumnCombination,
    ColumnItem,
    DataPartnerItem,
    DeleteOutcome,
    FileUrl,
    IdMessage,
    MatchedCreated,
    MatchedDetails,
    PartnerCount,
    RematchOutcome,
    StaticItem,
    StatusCount,
    SubtypeList,
    TypeCount,
)
from adplane.audiences.schemas import (
    AudienceListRequest,
    CountRequest,
    DeleteRequest,
    MatchedAudienceRequest,
    MatchedUpdate,
    UpdateName,
)
from adplane.auth.deps import PrincipalDep
from adplane.core.deps import IdPath, Principal, SessionDep, SettingsDep
from adplane.core.envelopes import V2, V3, Message, v2, v3
from adplane.core.errors import ValidationFailed, validation_error_objects
from adplane.core.schemas import json_field
from adplane.core.settings import Settings

router = APIRouter(tags=["Audience API"])

MAX_REQUEST_FIELD_BYTES = 256 * 1024
CsvIds = Annotated[str | None, Query(max_length=5000)]


# ------------------------------------------------------------------------------------ static lists

def _type_filter(raw: str | None) -> set[int]:
    return set(service.parse_ids(raw, "audienceTypeIds")) if raw and raw.strip() else set()


@router.get("/api/v3/audience/static/audience-types", response_model=V3[list[StaticItem]])
def audience_types(_: PrincipalDep) -> dict:
    return v3(catalog.AUDIENCE_TYPES)


@router.get("/api/v3/audience/static/audience-status", response_model=V3[list[StaticItem]])
def audience_statuses(_: PrincipalDep, audienceTypeIds: CsvIds = None) -> dict:  # wire name
    _type_filter(audienceTypeIds)  # validated; every type shares IQM's status list
    return v3(catalog.AUDIENCE_STATUSES)


@router.get("/api/v2/audience/status", response_model=V2[list[StaticItem]])
def audience_statuses_v2(_: PrincipalDep, audienceTypeIds: CsvIds = None) -> dict:  # wire name
    _type_filter(audienceTypeIds)
    return v2(catalog.AUDIENCE_STATUSES)


@router.get("/api/v3/audience/static/audience-subtypes", response_model=V3[SubtypeList])
def audience_subtypes(_: PrincipalDep, audienceTypeIds: CsvIds = None,  # wire name
                      verticalId: Annotated[int | None, Query(ge=0, le=1000)] = None) -> dict:
    wanted = _type_filter(audienceTypeIds)
    rows = [s for s in catalog.AUDIENCE_SUBTYPES if not wanted or wanted & set(s["typeIds"])]  # type: ignore[call-overload]
    if verticalId is not None and verticalId != 2:  # every subtype belongs to the healthcare vertical (2)
        rows = []
    items = catalog.public(rows, "typeIds")
    return v3({"audienceSubtypes": items, "totalRecords": len(catalog.AUDIENCE_SUBTYPES),
               "filteredRecords": len(items)})


@router.get("/api/v3/audience/static/data-formats", response_model=V3[list[StaticItem]])
@router.get("/api/v3/audience/static/matched/data-format", response_model=V3[list[StaticItem]])
def data_formats(_: PrincipalDep) -> dict:
    return v3(catalog.DATA_FORMATS)


@router.get("/api/v3/audience/static/data-partners", response_model=V3[list[DataPartnerItem]])
@router.get("/api/v3/audience/static/matched/data-partner", response_model=V3[list[DataPartnerItem]])
def data_partners(_: PrincipalDep) -> dict:
    return v3([p.wire(order) for order, p in enumerate(catalog.DATA_PARTNERS, start=1)])


@router.get("/api/v3/audience/static/column-list", response_model=V3[list[ColumnItem]])
@router.post("/api/v3/audience/static/column-list", response_model=V3[list[ColumnItem]])
@router.get("/api/v3/audience/static/matched/column-list", response_model=V3[list[ColumnItem]])
def column_list(_: PrincipalDep) -> dict:
    return v3([c.wire() for c in catalog.MATCH_COLUMNS])


@router.get("/api/v3/audience/static/column-combinations", response_model=V3[list[ColumnCombination]])
def column_combinations(_: PrincipalDep) -> dict:
    return v3(catalog.COLUMN_COMBINATIONS)


@router.get("/api/v3/audience/static/frequency-types", response_model=V3[list[StaticItem]])
@router.get("/api/v3/audience/static/frequency-type", response_model=V3[list[StaticItem]])
def frequency_types(_: PrincipalDep) -> dict:
    return v3(catalog.FREQUENCY_TYPES)


@router.get("/api/v3/audience/segmented/static/reach-range", response_model=V3[list[StaticItem]])
@router.get("/api/v3/audience/static/segment/reach-range", response_model=V3[list[StaticItem]])
def reach_ranges(_: PrincipalDep) -> dict:
    return v3(catalog.public(catalog.REACH_RANGES, "min", "max"))


@router.get("/api/v3/audience/segmented/static/price-range", response_model=V3[list[StaticItem]])
@router.get("/api/v3/audience/static/segment/price-range", response_model=V3[list[StaticItem]])
def price_ranges(_: PrincipalDep) -> dict:
    return v3(catalog.public(catalog.PRICE_RANGES, "min", "max"))


# ------------------------------------------------------------------------------- matched audiences

def _parse_matched_request(raw: Any) -> MatchedAudienceRequest:
    if raw is None or (isinstance(raw, str) and not raw.strip()):
        raise ValidationFailed("audienceRequest is required.", field="audienceRequest")
    data = json_field(raw, "audienceRequest") if isinstance(raw, (str, bytes)) else raw
    if not isinstance(data, dict):
        raise ValidationFailed("audienceRequest must be a JSON object.", field="audienceRequest")
    try:
        return MatchedAudienceRequest.model_validate(data)
    except ValidationError as exc:
        first = validation_error_objects([dict(e) for e in exc.errors()])[0]
        raise ValidationFailed(first["error"], field=first.get("field") or "audienceRequest") from None


@router.post("/api/v3/audience/matched", response_model=V3[MatchedCreated])
async def create_matched(request: Request, principal: PrincipalDep, session: SessionDep,
                         settings: SettingsDep) -> dict:
    """Multipart: `audienceRequest` (JSON text or a JSON part) and `file` (CSV or XLSX)."""
    return v3(await _create_matched(request, principal, session, settings))


@router.post("/api/v2/audience/matched/add", response_model=V2[MatchedCreated])
async def create_matched_v2(request: Request, principal: PrincipalDep, session: SessionDep,
                            settings: SettingsDep) -> dict:
    return v2(await _create_matched(request, principal, session, settings))


async def _create_matched(request: Request, principal: Principal, session: Session, settings: Settings) -> dict:
    if not request.headers.get("content-type", "").lower().startswith("multipart/form-data"):
        raise ValidationFailed("Send multipart/form-data with audienceRequest and file.", field="file")
    form = await request.form(max_files=1, max_part_size=MAX_REQUEST_FIELD_BYTES)
    raw = form.get("audienceRequest")
    if isinstance(raw, StarletteUploadFile):  # sent as a JSON file part
        raw = (await raw.read(MAX_REQUEST_FIELD_BYTES)).decode("utf-8", errors="replace")
    req = _parse_matched_request(raw)
    upload = form.get("file")
    if not isinstance(upload, StarletteUploadFile):
        raise ValidationFailed("file is required (a CSV or XLSX file).", field="file")
    return await run_in_threadpool(_create_with_file, session, settings, principal, req, upload)


def _create_with_file(session: Session, settings: Settings, principal: Principal, req: MatchedAudienceRequest,
                      upload: StarletteUploadFile) -> dict[str, Any]:
    name = PurePosixPath((upload.filename or "").replace("\\", "/")).name.strip() or "audience.csv"
    with tempfile.TemporaryDirectory(prefix="adplane-audience-") as scratch:
        path = Path(scratch) / f"upload{PurePosixPath(name).suffix.lower()[:10]}"  # openpyxl reads by suffix
        upload.file.seek(0)
        with path.open("wb") as target:
            shutil.copyfileobj(upload.file, target, 1024 * 1024)
        return service.create_matched(session, settings, principal, req, path, name[:255])


@router.get("/api/v3/audience/matched/{audienceId}", response_model=V3[MatchedDetails])
def matched_details(audienceId: IdPath, principal: PrincipalDep, session: SessionDep,
                    campaignTargetingRequired: bool = False,  # wire name
                    userDetailsRequired: bool = False) -> dict:  # noqa: N803, ARG001 - wire name
    return v3(service.matched_details(session, principal, audienceId, campaign_targeting=campaignTargetingRequired))


@router.get("/api/v2/audience/matched/{audienceId}", response_model=V2[MatchedDetails])
def matched_details_v2(audienceId: IdPath, principal: PrincipalDep, session: SessionDep) -> dict:
    return v2(service.matched_details(session, principal, audienceId))


@router.patch("/api/v3/audience/matched/{audienceId}", response_model=V3[IdMessage])
def update_matched(audienceId: IdPath, body: MatchedUpdate, principal: PrincipalDep,
                   session: SessionDep) -> dict:
    """Approve (audienceStatusId 3) or reject (4, with rejectionReason), or set dataCost: workspace admins."""
    return v3(service.update_matched(session, principal, audienceId, body))


@router.put("/api/v3/audience/matched/{audienceId}/rematch", response_model=V3[RematchOutcome])
def rematch(audienceId: IdPath, principal: PrincipalDep, session: SessionDep) -> dict:
    return v3(service.rematch(session, principal, audienceId))


@router.get("/api/v3/audience/matched/{audienceId}/file-url", response_model=V3[FileUrl])
def matched_file_url(audienceId: IdPath, principal: PrincipalDep, session: SessionDep,
                     settings: SettingsDep) -> dict:
    """Signed links to the uploaded file and to the match result (one line per row)."""
    return v3(service.file_urls(session, settings, principal, audienceId))


@router.get("/api/v2/audience/matched/{audienceId}/file/download", response_model=V2[FileUrl])
def matched_file_url_v2(audienceId: IdPath, principal: PrincipalDep, session: SessionDep,
                        settings: SettingsDep) -> dict:
    return v2(service.file_urls(session, settings, principal, audienceId))


@router.post("/api/v3/audience/matched/duplicate/{audienceId}", response_model=V3[AudienceCreated])
def duplicate_matched(audienceId: IdPath, principal: PrincipalDep, session: SessionDep,
                      settings: SettingsDep, body: Annotated[dict[str, Any] | None, Body()] = None) -> dict:
    """A copy of the audience with its members; `name` (optional) names the copy."""
    name = (body or {}).get("name")
    if name is not None and (not isinstance(name, str) or not name.strip() or len(name) > 255):
        raise ValidationFailed("name must be 1 to 255 characters.", field="name")
    return v3(service.duplicate(session, settings, principal, audienceId, name=name))


# ---------------------------------------------------------------------------------- management

@router.post("/api/v3/audience/list", response_model=V3[AudienceList])
def list_audiences(body: AudienceListRequest, principal: PrincipalDep, session: SessionDep) -> dict:
    return v3(service.list_audiences(session, principal, body))


@router.post("/api/v3/audience/basic/list", response_model=V3[AudienceList])
def basic_list(body: AudienceListRequest, principal: PrincipalDep, session: SessionDep) -> dict:
    return v3(service.list_audiences(session, principal, body, basic=True))


@router.patch("/api/v3/audience/{audienceId}/update-name", response_model=V3[Message])
def update_name(audienceId: IdPath, body: UpdateName, principal: PrincipalDep,
                session: SessionDep) -> dict:
    return v3(service.rename(session, principal, audienceId, body.audience_name))


@router.patch("/api/v2/audience/updateName/{audienceId}", response_model=V2[Message])
def update_name_v2(audienceId: IdPath, body: UpdateName, principal: PrincipalDep,
                   session: SessionDep) -> dict:
    return v2(service.rename(session, principal, audienceId, body.audience_name))


@router.delete("/api/v3/audience", response_model=V3[DeleteOutcome])
def delete_audiences(principal: PrincipalDep, session: SessionDep, settings: SettingsDep,
                     audienceIds: Annotated[str, Query(max_length=50_000)]) -> dict:  # wire name
    """Audiences a campaign targets are not deleted (listed in failedAudienceIds)."""
    ids = service.parse_ids(audienceIds, "audienceIds")
    return v3(service.delete_audiences(session, settings, principal, ids))


@router.put("/api/v2/audience/delete", response_model=V2[DeleteOutcome])
def delete_audiences_v2(body: DeleteRequest, principal: PrincipalDep, session: SessionDep,
                        settings: SettingsDep) -> dict:
    ids = service.parse_ids(body.audience_ids, "audienceIds")
    return v2(service.delete_audiences(session, settings, principal, ids))


@router.post("/api/v3/audience/count-by-status", response_model=V3[list[StatusCount]])
def count_by_status(principal: PrincipalDep, session: SessionDep,
                    body: Annotated[CountRequest | None, Body()] = None) -> dict:
    body = body or CountRequest()
    return v3(service.counts(session, principal, "audienceStatusId", type_ids=body.audience_type_ids,
                             search=body.search_field))


@router.get("/api/v3/audience/count-by-type", response_model=V3[list[TypeCount]])
def count_by_type(principal: PrincipalDep, session: SessionDep, audienceTypeIds: CsvIds = None,
                  status: CsvIds = None, searchField: Annotated[str | None, Query(max_length=255)] = None) -> dict:
    return v3(service.counts(session, principal, "audienceTypeId", type_ids=audienceTypeIds, status_ids=status,
                             search=searchField))


@router.post("/api/v3/audience/count-by-data-partner", response_model=V3[list[PartnerCount]])
def count_by_data_partner(principal: PrincipalDep, session: SessionDep,
                          body: Annotated[CountRequest | None, Body()] = None) -> dict:
    body = body or CountRequest()
    return v3(service.counts(session, principal, "dataPartnerId", type_ids=body.audience_type_ids))
