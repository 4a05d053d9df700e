"""Answer models of the healthcare domain: IQM's ABM healthcare-data and ABM audience operations
(Pydantic only: the SDK imports them)."""

from __future__ import annotations

from typing import Any

from adplane.core.envelopes import Number, ResponseModel


class HealthcareDataRow(ResponseModel):
    id: int
    cost: Number
    reach: int
    healthCareSystemId: int
    healthCareSystemName: str
    accountId: int
    accountName: str
    accountTypeId: int
    accountTypeName: str
    accountSubTypeId: int
    accountSubTypeName: str
    titleId: int
    titleName: str
    specialityId: int
    specialityName: str
    countryId: int
    countryName: str
    stateId: int | None
    stateName: str
    cityId: int | None
    cityName: str
    dataProviderId: int
    dataProviderName: str
    audienceSubtypeId: int | None = None
    taxonomyCode: str | None = None


class HealthcareData(ResponseModel):
    totalRecords: int
    filteredRecords: int
    healthCareData: list[HealthcareDataRow]


class HealthcareStatistics(ResponseModel):
    healthSystem: int
    account: int
    accountType: int
    npiReach: int
    speciality: int


class ValueItem(ResponseModel):
    id: int
    displayName: str
    displayOrder: int
    reach: int | None = None
    audienceSubtypeId: int | None = None


class TitleList(ResponseModel):
    titleList: list[ValueItem]
    filteredRecords: int
    totalRecords: int


class SpecialityList(ResponseModel):
    specialityList: list[ValueItem]
    filteredRecords: int
    totalRecords: int


class HealthcareSystemList(ResponseModel):
    healthcareSystemList: list[ValueItem]
    filteredRecords: int
    totalRecords: int


class AccountTypeList(ResponseModel):
    accountTypeList: list[ValueItem]
    filteredRecords: int
    totalRecords: int


class AccountSubTypeList(ResponseModel):
    accountSubTypeList: list[ValueItem]
    filteredRecords: int
    totalRecords: int


class AccountNameList(ResponseModel):
    accountNameList: list[ValueItem]
    filteredRecords: int
    totalRecords: int


class FilterFileData(ResponseModel):
    healthcareSystemIds: list[int]
    healthcareAccountIds: list[int]
    accountTypeIds: list[int]
    accountSubTypeIds: list[int]
    titleIds: list[int]
    specialityIds: list[int]
    countryIds: list[int]
    stateIds: list[int]
    cityIds: list[int]
    ids: list[int] | None = None


class FilterFileResult(ResponseModel):
    healthCareFilterData: FilterFileData
    matchingRate: Number
    totalRows: int | None = None
    matchedRows: int | None = None


class AbmCreated(ResponseModel):
    message: str
    audienceId: int | None = None


class AbmDetails(ResponseModel):
    id: int
    name: str
    status: str
    audienceTypeId: int
    createdAt: int
    partnerName: str
    partnerLogoUrl: str
    uniques: int
    dataCost: Number
    healthCareDataMappingIds: list[int]
    filters: dict[str, Any]
    audienceStatusId: int | None = None
    audienceSubtypeId: int | None = None
    dataProviderId: int | None = None
    npiCount: int | None = None
    failureReason: str | None = None
