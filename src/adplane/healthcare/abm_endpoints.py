"""HTTP endpoints of IQM's ABM (account-based marketing) healthcare audiences: browsing and filtering the
healthcare data, its statistics and value lists, filter files, and creating and reading ABM audiences.

IQM publishes the value lists twice: singular paths in its OpenAPI document (`/account-type`, `/title`, ...)
and plural ones in its guides (`/account-types`, `/titles`, ...); both are served by one implementation.
These routes live in the healthcare domain because they read its reference data, and healthcare sits
above audiences (the audience itself is made by `adplane.audiences.abm`)."""

from __future__ import annotations

import json
import shutil
import tempfile
from pathlib import Path
from typing import Annotated, Any

from fastapi import APIRouter, Query, Request
from sqlalchemy.orm import Session
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import UploadFile as StarletteUploadFile

from adplane.audiences import abm
from adplane.audiences.matching import FileProblem, file_rows
from adplane.auth.deps import PrincipalDep
from adplane.core.deps import IdPath, Principal, SessionDep
from adplane.core.envelopes import V3, v3
from adplane.core.errors import ValidationFailed
from adplane.core.listing import parse_ids
from adplane.healthcare import abm_catalog as cat
from adplane.healthcare import abm_data
from adplane.healthcare.abm_data import Filters
from adplane.healthcare.abm_schemas import AbmAudienceRequest, HealthcareFilterRequest
from adplane.healthcare.responses import (
    AbmCreated,
    AbmDetails,
    AccountNameList,
    AccountSubTypeList,
    AccountTypeList,
    FilterFileResult,
    HealthcareData,
    HealthcareStatistics,
    HealthcareSystemList,
    SpecialityList,
    TitleList,
)

router = APIRouter(tags=["Audience API"])

BASE = "/api/v3/audience/abm"
DATA = f"{BASE}/healthcare-data"
MAX_FILE_BYTES = 50 * 1024 * 1024
MAX_FIELD_BYTES = 256 * 1024

IdsQuery = Annotated[list[Annotated[str, Query(max_length=5000)]] | None, Query(max_length=100)]
PageNoQuery = Annotated[int | None, Query(ge=-1, le=1_000_000)]
PageSizeQuery = Annotated[int | None, Query(ge=1, le=10_000)]
SearchQuery = Annotated[str | None, Query(max_length=255)]


def _filters(body: HealthcareFilterRequest) -> Filters:
    f = body.to_filters()
    f.check_providers()
    return f


# ---------------------------------------------------------------------------------------- healthcare data

@router.post(DATA, response_model=V3[HealthcareData])
def healthcare_data(body: HealthcareFilterRequest, principal: PrincipalDep, session: SessionDep) -> dict:
    return v3(abm_data.data_page(session, _filters(body), page_no=body.page_no, no_of_entries=body.no_of_entries,
                                 sort_by=body.sort_by, order=body.order))


@router.post(f"{DATA}/statistics", response_model=V3[HealthcareStatistics])
def healthcare_statistics(body: HealthcareFilterRequest, principal: PrincipalDep, session: SessionDep) -> dict:
    return v3(abm_data.statistics(session, _filters(body)))


def _posted_list(kind: str, body: HealthcareFilterRequest, session: Session) -> dict:
    return v3(abm_data.value_list(session, kind, _filters(body), page_no=body.page_no,
                                  no_of_entries=body.no_of_entries))


@router.post(f"{DATA}/account-type", response_model=V3[AccountTypeList])
@router.post(f"{DATA}/account-types", response_model=V3[AccountTypeList])
def account_types(body: HealthcareFilterRequest, principal: PrincipalDep, session: SessionDep) -> dict:
    return _posted_list("account_type", body, session)


@router.post(f"{DATA}/account-subtype", response_model=V3[AccountSubTypeList])
@router.post(f"{DATA}/account-subtypes", response_model=V3[AccountSubTypeList])
def account_subtypes(body: HealthcareFilterRequest, principal: PrincipalDep, session: SessionDep) -> dict:
    return _posted_list("account_subtype", body, session)


@router.post(f"{DATA}/account-name", response_model=V3[AccountNameList])
@router.post(f"{DATA}/account-names", response_model=V3[AccountNameList])
def account_names(body: HealthcareFilterRequest, principal: PrincipalDep, session: SessionDep) -> dict:
    return _posted_list("account", body, session)


def _query_list(session: Session, kind: str, provider_ids: list[str] | None, page_no: int | None,
                no_of_entries: int | None, search: str | None, subtype_ids: list[str] | None,
                include_generic: bool | None) -> dict:
    f = Filters(provider_ids=parse_ids(",".join(provider_ids or []), "dataProviderIds"),
                audience_subtype_ids=parse_ids(",".join(subtype_ids or []), "audienceSubtypeIds"),
                include_generic=bool(include_generic), search=search)
    f.check_providers()
    return v3(abm_data.value_list(session, kind, f, page_no=page_no, no_of_entries=no_of_entries))


@router.get(f"{DATA}/title", response_model=V3[TitleList])
@router.get(f"{DATA}/titles", response_model=V3[TitleList])
def titles(principal: PrincipalDep, session: SessionDep, dataProviderIds: IdsQuery = None,
           pageNo: PageNoQuery = None, noOfEntries: PageSizeQuery = None, searchField: SearchQuery = None,
           audienceSubtypeIds: IdsQuery = None, includeGenericAudience: bool | None = None) -> dict:
    return _query_list(session, "title", dataProviderIds, pageNo, noOfEntries, searchField, audienceSubtypeIds,
                       includeGenericAudience)


@router.get(f"{DATA}/speciality", response_model=V3[SpecialityList])
@router.get(f"{DATA}/specialities", response_model=V3[SpecialityList])
def specialities(principal: PrincipalDep, session: SessionDep, dataProviderIds: IdsQuery = None,
                 pageNo: PageNoQuery = None, noOfEntries: PageSizeQuery = None, searchField: SearchQuery = None,
                 audienceSubtypeIds: IdsQuery = None, includeGenericAudience: bool | None = None) -> dict:
    return _query_list(session, "speciality", dataProviderIds, pageNo, noOfEntries, searchField,
                       audienceSubtypeIds, includeGenericAudience)


@router.get(f"{DATA}/healthcare-system", response_model=V3[HealthcareSystemList])
@router.get(f"{DATA}/healthcare-systems", response_model=V3[HealthcareSystemList])
def healthcare_systems(principal: PrincipalDep, session: SessionDep, dataProviderIds: IdsQuery = None,
                       pageNo: PageNoQuery = None, noOfEntries: PageSizeQuery = None,
                       searchField: SearchQuery = None, audienceSubtypeIds: IdsQuery = None,
                       includeGenericAudience: bool | None = None) -> dict:
    return _query_list(session, "system", dataProviderIds, pageNo, noOfEntries, searchField, audienceSubtypeIds,
                       includeGenericAudience)


# -------------------------------------------------------------------------------------------- filter file

FILE_SUFFIXES = {1: ".csv", 2: ".xlsx"}


def _text(value: Any) -> str | None:
    if value is None or isinstance(value, StarletteUploadFile):
        return None
    return str(value).strip() or None


def _int_param(raw: str | None, field: str) -> int | None:
    if raw is None:
        return None
    if not raw.isascii() or not raw.lstrip("-").isdigit() or len(raw) > 10:
        raise ValidationFailed(f"{field} must be an integer.", field=field)
    return int(raw)


def _columns(raw: str | None) -> dict[str, str]:
    if raw is None:
        raise ValidationFailed("columns is required.", field="columns")
    try:
        data = json.loads(raw)
    except ValueError:
        raise ValidationFailed("columns must be a JSON object of file column → system column.",
                               field="columns") from None
    if not isinstance(data, dict) or not data or not all(isinstance(k, str) and isinstance(v, str)
                                                         for k, v in data.items()):
        raise ValidationFailed("columns must be a JSON object of file column → system column.", field="columns")
    return data


@router.post(f"{DATA}/filter-file", response_model=V3[FilterFileResult])
async def filter_file(request: Request, principal: PrincipalDep, session: SessionDep) -> dict:
    """Multipart `abmFilterFile` (CSV or XLSX); `fileType`, `columns` (JSON), `dataPartnerId` and
    `audienceSubtypeId` as query parameters or form fields."""
    if not request.headers.get("content-type", "").lower().startswith("multipart/form-data"):
        raise ValidationFailed("Send multipart/form-data with abmFilterFile.", field="abmFilterFile")
    form = await request.form(max_files=1, max_part_size=MAX_FIELD_BYTES)

    def param(name: str) -> str | None:
        return _text(request.query_params.get(name)) or _text(form.get(name))

    file_type = _int_param(param("fileType"), "fileType")
    if file_type not in FILE_SUFFIXES:
        raise ValidationFailed("fileType must be 1 (CSV) or 2 (Excel).", field="fileType")
    columns = _columns(param("columns"))
    provider_id = _int_param(param("dataPartnerId"), "dataPartnerId") or 1
    if provider_id not in cat.PROVIDERS:
        raise ValidationFailed(f"Invalid data partner id: {provider_id}.", field="dataPartnerId")
    abm.check_subtype(_int_param(param("audienceSubtypeId"), "audienceSubtypeId"))
    upload = form.get("abmFilterFile")
    if not isinstance(upload, StarletteUploadFile):
        raise ValidationFailed("abmFilterFile is required (a CSV or XLSX file).", field="abmFilterFile")
    suffix = FILE_SUFFIXES[file_type]
    return v3(await run_in_threadpool(_read_filter_file, session, upload, suffix, provider_id, columns))


def _read_filter_file(session: Session, upload: StarletteUploadFile, suffix: str, provider_id: int,
                      columns: dict[str, str]) -> dict[str, Any]:
    with tempfile.TemporaryDirectory(prefix="adplane-abm-") as scratch:
        path = Path(scratch) / f"filters{suffix}"
        upload.file.seek(0)
        with path.open("wb") as target:
            shutil.copyfileobj(upload.file, target, 1024 * 1024)
        if path.stat().st_size > MAX_FILE_BYTES:
            raise ValidationFailed("abmFilterFile is too large (at most 50 MB).", field="abmFilterFile")
        try:
            return abm_data.filters_from_rows(session, provider_id, file_rows(path, path.name), columns).answer()
        except FileProblem as exc:
            raise ValidationFailed(str(exc), field="abmFilterFile") from None


# ---------------------------------------------------------------------------------------------- audiences

@router.post(BASE, response_model=V3[AbmCreated])
def create_abm_audience(body: AbmAudienceRequest, principal: PrincipalDep, session: SessionDep) -> dict:
    audience_id = _create(session, principal, body)
    return v3({"message": f"{body.audience_name} audience created successfully", "audienceId": audience_id})


def _create(session: Session, principal: Principal, body: AbmAudienceRequest) -> int:
    f = body.filters.to_filters(prefix="filters.") if body.filters is not None else None
    if f is not None:
        f.check_providers(required=False)
    provider_id = body.data_provider_id or (f.provider_ids[0] if f is not None and f.provider_ids else 1)
    provider = cat.PROVIDERS.get(provider_id)
    if provider is None:
        raise ValidationFailed(f"Invalid data provider id: {provider_id}.", field="dataProviderId")
    abm.check_subtype(body.audience_subtype_id)
    mapping_ids = parse_ids(body.health_care_data_mapping_ids, "healthCareDataMappingIds")
    if mapping_ids:
        npis = abm_data.npis_of_mappings(session, provider_id, mapping_ids)
    elif f is not None:
        f.provider_ids = f.provider_ids or [provider_id]
        npis = abm_data.npis_of_filters(session, f)
        if not npis:
            raise ValidationFailed("No healthcare data matches the filters.", field="filters")
    else:
        raise ValidationFailed("healthCareDataMappingIds or filters is required.", field="healthCareDataMappingIds")
    details = {"dataProviderId": provider_id, "healthCareDataMappingIds": mapping_ids,
               "filters": _saved_filters(body.filters, f)}
    audience = abm.create(session, principal, name=body.audience_name, npis=npis, cost=provider.cost,
                          data_partner_id=cat.MATCHED_PARTNER_ID, subtype_id=body.audience_subtype_id,
                          details=details)
    return audience.id


def _saved_filters(body: HealthcareFilterRequest | None, f: Filters | None) -> dict[str, Any]:
    """The filters as IQM's details show them: the non-empty id lists by wire name, with the paging sent."""
    if body is None or f is None:
        return {}
    lists = {"ids": f.ids, "dataProviderIds": f.provider_ids, "healthCareSystemIds": f.system_ids,
             "accountIds": f.account_ids, "accountTypeIds": f.type_ids, "accountSubTypeIds": f.subtype_ids,
             "titleIds": f.title_ids, "specialityIds": f.speciality_ids, "countryIds": f.country_ids,
             "stateIds": f.state_ids, "cityIds": f.city_ids, "audienceSubtypeIds": f.audience_subtype_ids}
    out: dict[str, Any] = {key: ids for key, ids in lists.items() if ids}
    for key, value in (("includeGenericAudience", body.include_generic_audience), ("pageNo", body.page_no),
                       ("noOfEntries", body.no_of_entries), ("searchField", body.search_field)):
        if value is not None:
            out[key] = value
    return out


@router.get(f"{BASE}/{{audienceId}}", response_model=V3[AbmDetails])
def abm_details(audienceId: IdPath, principal: PrincipalDep, session: SessionDep) -> dict:
    audience = abm.of_abm(session, principal, audienceId)
    provider = cat.PROVIDERS.get(int((audience.details or {}).get("dataProviderId") or 1))
    return v3(abm.details(audience, provider.name if provider is not None else ""))


@router.get(f"{BASE}/{{audienceId}}/healthcare-data-statistics", response_model=V3[HealthcareStatistics])
def abm_statistics(audienceId: IdPath, principal: PrincipalDep, session: SessionDep) -> dict:
    audience = abm.of_abm(session, principal, audienceId)
    return v3(abm_data.audience_statistics(session, audience.id))
