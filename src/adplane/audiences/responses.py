"""Answer models of the Audience API (Pydantic only: the SDK imports them)."""

from __future__ import annotations

from typing import Any

from adplane.core.envelopes import Number, ResponseModel


class StaticItem(ResponseModel):
    id: int
    name: str
    order: int | None = None
    displayName: str | None = None


class DataPartnerItem(StaticItem):
    cpm: Number
    logoUrl: str


class ColumnItem(StaticItem):
    label: str
    key: str
    isSingleColumn: bool
    dataFormatIds: list[int] | None = None


class ColumnCombination(ResponseModel):
    id: int
    columnIds: list[int]
    order: int


class SubtypeList(ResponseModel):
    audienceSubtypes: list[StaticItem]
    totalRecords: int
    filteredRecords: int


class MatchedCreated(ResponseModel):
    matchedAudienceId: int
    message: str


class AudienceCreated(ResponseModel):
    audienceId: int
    message: str


class MatchedDetails(ResponseModel):
    audienceId: int
    audienceName: str
    audienceTypeId: int
    audienceSubtypeId: int | None
    audienceStatusId: int
    status: str
    cpm: Number
    dataCost: Number
    owId: int
    createdByUowId: int
    createdAt: int
    modifiedAt: str
    reach: int
    uniques: int
    matchedCount: int
    invalidCount: int
    s3FileName: str | None
    fileRowCount: int
    matchRate: Number
    dataPartnerId: int | None
    approvalAccess: bool
    editAccess: bool
    rejectionReason: str | None = None
    failureReason: str | None = None
    whitelistedCampaignIds: list[int] | None = None
    blacklistedCampaignIds: list[int] | None = None


class AudienceListItem(ResponseModel):
    audienceId: int
    audienceName: str
    audienceTypeId: int
    audienceSubtypeId: int | None = None
    audienceStatusId: int
    createdAt: int
    reach: int
    cpm: Number | None = None
    verticalId: int | None = None
    organizationName: str | None = None
    runningCampaignCount: int | None = None
    pendingCampaignCount: int | None = None
    pausedCampaignCount: int | None = None
    expiredCampaignCount: int | None = None
    matchRate: Number | None = None
    fileTotalCount: int | None = None
    s3FileName: str | None = None
    isIqmIdTargeted: bool | None = None
    approvalAccess: bool | None = None
    editAccess: bool | None = None


class AudienceList(ResponseModel):
    totalRecords: int
    filteredRecords: int
    audienceList: list[AudienceListItem] | None = None
    audienceBasicList: list[AudienceListItem] | None = None


class StatusCount(ResponseModel):
    audienceStatusId: int
    audienceCount: int


class TypeCount(ResponseModel):
    audienceTypeId: int
    audienceCount: int


class PartnerCount(ResponseModel):
    dataPartnerId: int
    audienceCount: int


class FileUrl(ResponseModel):
    matchedAudienceFileUrl: str
    resultFileUrl: str | None = None


class DeleteOutcome(ResponseModel):
    successfulAudienceIds: list[int]
    failedAudienceIds: list[int]
    message: str | None = None


class IdMessage(ResponseModel):
    id: int
    message: str


class RematchOutcome(ResponseModel):
    audienceId: int
    message: str


class IdentityIngestOutcome(ResponseModel):
    received: int
    added: int
    invalidRecords: list[int]


AnyList = list[Any]
