"""Answer models of the Audience API (Pydantic only: the SDK imports them)."""

from __future__ import annotations

from typing import Any

from adplane.core.envelopes import Number, ResponseModel


class StaticItem(ResponseModel):
    id: int
    name: str
    order: int | None = None
    displayName: str | None = None  # noqa: N815 - wire name


class DataPartnerItem(StaticItem):
    cpm: Number
    logoUrl: str  # noqa: N815 - wire name


class ColumnItem(StaticItem):
    label: str
    key: str
    isSingleColumn: bool  # noqa: N815 - wire name
    dataFormatIds: list[int] | None = None  # noqa: N815 - wire name


class ColumnCombination(ResponseModel):
    id: int
    columnIds: list[int]  # noqa: N815 - wire name
    order: int


class SubtypeList(ResponseModel):
    audienceSubtypes: list[StaticItem]  # noqa: N815 - wire name
    totalRecords: int  # noqa: N815 - wire name
    filteredRecords: int  # noqa: N815 - wire name


class MatchedCreated(ResponseModel):
    matchedAudienceId: int  # noqa: N815 - wire name
    message: str


class AudienceCreated(ResponseModel):
    audienceId: int  # noqa: N815 - wire name
    message: str


class MatchedDetails(ResponseModel):
    audienceId: int  # noqa: N815 - wire name
    audienceName: str  # noqa: N815 - wire name
    audienceTypeId: int  # noqa: N815 - wire name
    audienceSubtypeId: int | None  # noqa: N815 - wire name
    audienceStatusId: int  # noqa: N815 - wire name
    status: str
    cpm: Number
    dataCost: Number  # noqa: N815 - wire name
    owId: int  # noqa: N815 - wire name
    createdByUowId: int  # noqa: N815 - wire name
    createdAt: int  # noqa: N815 - wire name
    modifiedAt: str  # noqa: N815 - wire name
    reach: int
    uniques: int
    matchedCount: int  # noqa: N815 - wire name
    invalidCount: int  # noqa: N815 - wire name
    s3FileName: str | None  # noqa: N815 - wire name
    fileRowCount: int  # noqa: N815 - wire name
    matchRate: Number  # noqa: N815 - wire name
    dataPartnerId: int | None  # noqa: N815 - wire name
    approvalAccess: bool  # noqa: N815 - wire name
    editAccess: bool  # noqa: N815 - wire name
    rejectionReason: str | None = None  # noqa: N815 - wire name
    failureReason: str | None = None  # noqa: N815 - wire name
    whitelistedCampaignIds: list[int] | None = None  # noqa: N815 - wire name
    blacklistedCampaignIds: list[int] | None = None  # noqa: N815 - wire name


class AudienceListItem(ResponseModel):
    audienceId: int  # noqa: N815 - wire name
    audienceName: str  # noqa: N815 - wire name
    audienceTypeId: int  # noqa: N815 - wire name
    audienceSubtypeId: int | None = None  # noqa: N815 - wire name
    audienceStatusId: int  # noqa: N815 - wire name
    createdAt: int  # noqa: N815 - wire name
    reach: int
    cpm: Number | None = None
    verticalId: int | None = None  # noqa: N815 - wire name
    organizationName: str | None = None  # noqa: N815 - wire name
    runningCampaignCount: int | None = None  # noqa: N815 - wire name
    pendingCampaignCount: int | None = None  # noqa: N815 - wire name
    pausedCampaignCount: int | None = None  # noqa: N815 - wire name
    expiredCampaignCount: int | None = None  # noqa: N815 - wire name
    matchRate: Number | None = None  # noqa: N815 - wire name
    fileTotalCount: int | None = None  # noqa: N815 - wire name
    s3FileName: str | None = None  # noqa: N815 - wire name
    isIqmIdTargeted: bool | None = None  # noqa: N815 - wire name
    approvalAccess: bool | None = None  # noqa: N815 - wire name
    editAccess: bool | None = None  # noqa: N815 - wire name


class AudienceList(ResponseModel):
    totalRecords: int  # noqa: N815 - wire name
    filteredRecords: int  # noqa: N815 - wire name
    audienceList: list[AudienceListItem] | None = None  # noqa: N815 - wire name
    audienceBasicList: list[AudienceListItem] | None = None  # noqa: N815 - wire name


class StatusCount(ResponseModel):
    audienceStatusId: int  # noqa: N815 - wire name
    audienceCount: int  # noqa: N815 - wire name


class TypeCount(ResponseModel):
    audienceTypeId: int  # noqa: N815 - wire name
    audienceCount: int  # noqa: N815 - wire name


class PartnerCount(ResponseModel):
    dataPartnerId: int  # noqa: N815 - wire name
    audienceCount: int  # noqa: N815 - wire name


class FileUrl(ResponseModel):
    matchedAudienceFileUrl: str  # noqa: N815 - wire name
    resultFileUrl: str | None = None  # noqa: N815 - wire name


class DeleteOutcome(ResponseModel):
    successfulAudienceIds: list[int]  # noqa: N815 - wire name
    failedAudienceIds: list[int]  # noqa: N815 - wire name
    message: str | None = None


class IdMessage(ResponseModel):
    id: int
    message: str


class RematchOutcome(ResponseModel):
    audienceId: int  # noqa: N815 - wire name
    message: str


class IdentityIngestOutcome(ResponseModel):
    received: int
    added: int
    invalidRecords: list[int]  # noqa: N815 - wire name


AnyList = list[Any]
