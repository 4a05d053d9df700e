"""Answer models of the lookalike, campaign, v2 list and insights routes of the Audience API
(Pydantic only: the SDK imports them)."""

from __future__ import annotations

from typing import Any

from pydantic import Field

from adplane.core.envelopes import Number, ResponseModel


class CreatedId(ResponseModel):
    """IQM's published spec answers `id`, its guides `audienceId`."""

    id: int | None = None
    audienceId: int | None = None
    message: str


class GeoLocationDetails(ResponseModel):
    countryIds: list[int] = []
    stateIds: list[int] = []
    cityIds: list[int] = []
    countyIds: list[int] = []
    senateDistrictIds: list[int] = []
    houseDistrictIds: list[int] = []
    congressionalDistrictIds: list[int] = []


class TargetedCampaign(ResponseModel):
    campaignName: str
    campaignId: int
    targetingTypeId: int
    campaignStatus: str


class LookalikeDetails(ResponseModel):
    audienceId: int
    audienceName: str
    audienceStatusId: int
    createdAt: int
    organizationName: str | None = None
    owId: int
    createdByUowId: int | None = None
    createdByUser: str | None = None
    createdByUserEmail: str | None = None
    reach: int
    cpm: Number
    sourceAudienceIds: list[int]
    geoLocationDetails: GeoLocationDetails
    audienceSize: int
    targetedCampaignList: list[TargetedCampaign] | None = None
    approvedRejectedByUserName: str | None = None
    rejectionReason: str | None = None
    failureReason: str | None = None
    isApprovalAccess: bool


class CampaignLists(ResponseModel):
    impressions: list[int]
    clicks: list[int]
    conversions: list[int]


class CampaignNames(ResponseModel):
    impression: dict[str, str]
    clicks: dict[str, str]
    conversion: dict[str, str]


class CampaignAudienceDetails(ResponseModel):
    """The guide's fields, then the published spec's (`id`, `name`, `campaignDetail`, ...)."""

    audienceId: int
    audienceName: str
    audienceStatusId: int
    cpm: Number
    uniques: int
    createdAt: int
    campaignDetails: CampaignLists
    startDate: int
    endDate: int
    id: int
    name: str
    status: str
    type: int
    includedCount: int
    excludedCount: int
    createdOn: int
    organizationName: str | None = None
    owId: int
    createdByUowId: int | None = None
    createdByUser: str | None = None
    campaignDetail: CampaignNames
    editAccess: bool
    dataPartnerId: int | None = None
    audienceSubtypeId: int | None = None
    failureReason: str | None = None


class TypeWiseCount(ResponseModel):
    audienceTypeId: int
    audienceTypeName: str
    audienceCount: int


class V2ListItem(ResponseModel):
    id: int
    audienceName: str
    audienceType: str
    audienceTypeId: int
    isVoterAudience: bool
    status: str
    statusDisplayName: str
    createdOn: int
    dataCost: Number
    uniques: int


class DetailedItem(ResponseModel):
    id: int
    audienceName: str
    audienceType: str
    audienceTypeId: int
    matchRate: Number
    fileTotalCount: int
    included: int
    excluded: int
    includedCampaignList: list[int]
    excludedCampaignList: list[int]
    status: str
    createdOn: int
    dataCost: Number
    s3FileName: str | None = None
    organizationName: str | None = None
    uniques: int
    runningCampaignCount: int
    pendingCampaignCount: int
    pausedCampaignCount: int
    expiredCampaignCount: int
    partnerName: str | None = None
    isApprovalAccess: bool
    isEditAccess: bool


class InsightRef(ResponseModel):
    statusId: int
    id: int


class DetailedList(ResponseModel):
    totalRecords: int
    filteredRecords: int
    data: list[DetailedItem]
    insightDetails: dict[str, InsightRef]


class MatchedColumn(ResponseModel):
    id: int
    name: str
    l2Name: str


class MatchedFields(ResponseModel):
    mandatoryColumns: list[MatchedColumn]
    voterIDColumns: list[MatchedColumn]
    optionalColumns: list[MatchedColumn]


class HistoryItem(ResponseModel):
    id: int
    campaignIds: list[int]
    name: str
    audienceSubTypeId: int | None
    typeId: int


class AudienceHistory(ResponseModel):
    totalRecords: int
    filteredRecords: int
    audienceDetails: list[HistoryItem]


class AudienceTypeIds(ResponseModel):
    audienceTypeId: int
    audienceIds: list[int]


class TargetingSaved(ResponseModel):
    message: str
    failedCampaigns: dict[str, str] | None = None


class InsightsRow(ResponseModel):
    id: int
    typeId: int
    statusId: int
    sourceName: str
    name: str
    sourceId: int
    createdAt: int


class InsightsCreated(ResponseModel):
    invalidSourceIds: list[int]
    insightsData: list[InsightsRow]


class Widget(ResponseModel):
    title: str
    type: str
    data: list[dict[str, Any]]


class AudienceInsightsV3(ResponseModel):
    audienceId: str
    audienceName: str
    audienceDate: str
    verticalId: str
    vertical: str
    widgets: list[Widget]


class AudienceInsightsGuide(ResponseModel):
    audience_id: str
    audience_name: str
    audience_date: str
    vertical_id: str
    vertical: str
    widgets: list[Widget]


class InsightsFileUrl(ResponseModel):
    insightsReportUrl: str


class EligibleAudience(ResponseModel):
    id: int
    audienceName: str
    matchRate: Number
    uniques: int


class EligibleAudiences(ResponseModel):
    totalRecords: int
    filteredRecords: int
    insightsData: list[EligibleAudience]


class MatchedInsightDetails(ResponseModel):
    id: int
    audienceName: str
    matchRate: Number
    uniques: int
    fileTotalCount: int
    statusId: int
    dataCost: Number
    insightsId: int | None = None
    insightsStatusId: int | None = None
    widgets: list[Widget] = Field(default_factory=list)
