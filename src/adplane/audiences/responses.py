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


# ---------------------------------------------------------------- segmented and pre-bid audiences

class ReachMetadata(ResponseModel):
    iosDevicesReach: int
    androidDevicesReach: int
    cookiesReach: int


class SegmentItem(ResponseModel):
    segmentId: int
    taxonomyId: str | None = None
    taxonomyValue: str
    description: str | None = None
    pathKey: str
    cpm: Number
    totalReach: int
    reachMetadata: ReachMetadata | None = None
    dataAvailable: bool | None = None
    leaf: bool | None = None
    leafNode: bool | None = None
    providerId: int | None = None
    partnerId: int | None = None


class SegmentSearch(ResponseModel):
    totalRecords: int | None = None
    filteredRecords: int
    segmentsList: list[SegmentItem]


class SegmentFile(ResponseModel):
    fileUrl: str


class LegacySegment(ResponseModel):
    """A segment of POST /api/v2/audience/segment/search (the answer maps provider UUIDs to these)."""

    description: str
    cpm: Number
    isLeaf: int
    margin: Number
    pathKey: str
    id: str  # the segment's reference UUID
    taxonomy_value: str


class SegmentProvider(ResponseModel):
    providerId: int
    providerName: str
    providerReferenceUuid: str | None = None  # the specification's list (the v2 search's `providerIds`)


class SegmentPartner(ResponseModel):
    partnerId: int
    partnerName: str
    partnerLogoUrl: str | None = None
    partnerReferenceUuid: str | None = None  # the specification's list (the v2 search's `referenceId`)
    providers: list[SegmentProvider] | None = None
    providerList: list[SegmentProvider] | None = None


class PartnerProviderList(ResponseModel):
    partnerProviderList: list[SegmentPartner]
    totalRecords: int
    filteredRecords: int


class SegmentedCreated(ResponseModel):
    audienceId: int
    id: int | None = None
    message: str


class SegmentedDetails(ResponseModel):
    audienceId: int
    audienceName: str
    audienceStatusId: int
    status: str
    createdAt: int
    uniques: int
    cpm: Number
    dataCost: Number
    owId: int
    editAccess: bool
    segmentPartnerName: str | None = None
    segmentPartnerId: int | None = None
    segmentPartnerLogo: str | None = None
    equation: str
    segmentsList: list[SegmentItem]
    segmentIdList: list[int]


class SegmentName(ResponseModel):
    segmentId: int
    segmentName: str


class AudienceSegments(ResponseModel):
    audienceId: int
    totalSegments: int
    segmentDetailsResponseVOList: list[SegmentName]


class PrebidSegmentItem(ResponseModel):
    prebidSegmentId: int
    prebidSegmentName: str
    description: str | None = None
    parentPathKey: str
    cpm: Number
    creativeTypeIds: list[int]
    leaf: bool
    providerId: int | None = None


class PrebidProviderItem(ResponseModel):
    providerId: int
    providerName: str
    description: str
    providerLogoUrl: str
    childSegments: list[PrebidSegmentItem] | None = None


class PrebidList(ResponseModel):
    totalRecords: int
    filteredRecords: int
    prebidSegmentData: list[Any]


class PrebidFreeSegment(ResponseModel):
    prebidSegmentId: int
    providerId: int
    defaultSelected: bool


class PrebidSaved(ResponseModel):
    audienceId: int
    message: str


class PrebidDetails(ResponseModel):
    audienceId: int
    audienceName: str
    cpm: Number
    owId: int
    createdByUowId: int
    createdAt: int
    prebidSegmentDetails: list[PrebidSegmentItem]


# ------------------------------------------------------- retargeted, geo-farmed and contextual audiences

class KindCreated(ResponseModel):
    """A geo-farmed or contextual audience was created: `id` (the specification) and `audienceIds` (the guides)."""

    id: int
    audienceIds: list[int]
    message: str


class RetargetedCreated(ResponseModel):
    id: int
    audienceId: int
    tag_script: str
    message: str


class RetargetedSaved(ResponseModel):
    tag_script: str
    message: str


class PartnerReach(ResponseModel):
    id: int
    reach: int


class KindDetails(ResponseModel):
    """Details of a retargeted, geo-farmed or contextual audience, in both of IQM's styles."""

    id: int
    name: str
    status: str
    type: int
    includedCount: int
    excludedCount: int
    createdOn: int
    organizationName: str
    owId: int
    createdByUowId: int
    createdByUser: str
    uniques: int
    dataCost: Number
    editAccess: bool
    audienceId: int
    audienceName: str
    audienceTypeId: int
    audienceStatusId: int
    audienceSubtypeId: int | None
    createdAt: int
    reach: int
    cpm: Number
    dataPartnerId: int | None
    dataPartnerMetrics: list[PartnerReach]
    failureReason: str | None = None


class RetargetedDetails(KindDetails):
    tagId: str
    tag_script: str
    duration: str
    time: int
    startDate: int
    endDate: int
    dataCollectionBy: str | None
    dataCollectionPeriod: int | None = None


class GeoFarmedDetails(KindDetails):
    frequency: int
    frequencyTypeId: int
    frequencyType: int
    startDate: int
    endDate: int
    timezoneId: int | None
    timezone: int | None
    timeRange: dict[str, Any] | None
    locations: dict[str, Any]
    bulkLocationDetails: dict[str, Any]


class ContextualDetails(KindDetails):
    keywords: str
    urls: str
    frequency: int
    timezoneId: int | None
    dataCollectionMethodId: int | None
    dataCollectionDays: int | None = None
    startDate: int | None = None
    endDate: int | None = None


# ------------------------------------------------------------------------------ custom voter audiences

class CvaState(ResponseModel):
    id: int
    name: str
    abbreviation: str
    parentId: int
    geojsonUrl: str


class CvaStates(ResponseModel):
    statesList: list[CvaState]
    totalRecords: int
    filteredRecords: int


class CvaSegmentItem(ResponseModel):
    segmentId: int
    segmentName: str
    taxonomyId: str
    isLeaf: bool
    pathKey: str
    parentSegmentId: int
    reach: int
    childSegments: list[CvaSegmentItem] | None = None


class CvaSegments(ResponseModel):
    totalRecords: int
    filteredRecords: int
    cvaFilterData: list[CvaSegmentItem]


class CvaDetails(ResponseModel):
    audienceId: int
    audienceName: str
    audienceStatusId: int
    cpm: Number
    createdAt: int
    reach: int
    equation: str
    stateIds: list[int]
    segmentList: list[CvaSegmentItem]
    segmentIds: list[int]


class CvaReach(ResponseModel):
    segment_num_voters: int
    total_num_voters: int
    map_metrics: dict[str, dict[str, int]]


class CvaInsights(ResponseModel):
    segment_num_voters: int
    insights: dict[str, dict[str, int]]
