"""Answer models of the campaigns routes (field names are the wire names); Pydantic only, the SDK imports it."""

from __future__ import annotations

from typing import Any

from adplane.core.envelopes import Number, ResponseModel


class GraphInfoItem(ResponseModel):
    date: str | None
    amount: Number | None
    type: str | None


class CampaignBudgetInfo(ResponseModel):
    campaignId: Any
    budgetTotal: Number | None
    actualSpent: Number | None
    dailyBudget: Number | None
    fixedDailyBudget: bool | None
    startTime: int | None
    endTime: int | None
    timezone: Number | None
    graphInfo: list[GraphInfoItem]


class CampaignSaved(ResponseModel):
    data: int | None
    message: str
    status: str


class CampaignStart(ResponseModel):
    start_time: Number | None


class CampaignDetail(ResponseModel):
    owId: int | None
    parentOrganizationName: str | None
    id: int | None
    uowId: int | None
    campaignName: str | None
    advertiserDomain: str | None
    creativeType: Number | None
    campaignType: Number | None
    totalBudgetPacing: bool | None
    isTvAd: bool | None
    budgetDay: Number | None
    budgetTotal: Number | None
    maxBid: Number | None
    timezone: Number | None
    startTime: int | None
    endTime: int | None
    status: str | None
    dspMargin: Number | None
    platformMargin: Number | None
    userDealMargin: Number | None
    spentScale: bool | None
    creativeIds: str | None
    conversionType: str | None
    bidOptimization: bool | None
    bidPacing: bool | None
    isBidShading: bool | None
    impressionCapping: Number | None
    maxDayImpressions: Number | None
    maxDayClicks: Number | None
    maxDayConversions: Number | None
    totalImpressions: Number | None
    totalClicks: Number | None
    totalConversions: Number | None
    deviceType: str | None
    trafficType: str | None
    exchanges: str | None
    stateIds: str | None
    publisherAdCategory: str | None
    isLocationWithOrFilter: bool | None
    countryId: str | None
    locationDetails: dict[str, Any]
    isCampaignFromNewPlatform: bool | None
    organizationName: str | None
    userEmail: str | None
    userName: str | None
    conversionTypeId: int | None
    isUnapprovedAudienceTargeted: bool | None
    isAllAudienceUnapproved: bool | None
    createDate: Number | None
    ioId: int | None
    ioName: str | None
    prebidAudienceSegmentIdList: list[Any]
    campaignTypeId: int | None
    budgetTypeId: int | None
    targetImpression: Any
    isAdvanceAudioVideoTargeted: bool | None
    isEstimatorAvailable: bool | None
    isEditAccess: bool | None
    isMarginSet: bool | None
    isApprovalAccess: bool | None
    isParentInvoiceTemplateSet: bool | None
    rejectionReason: str | None = None  # wire name (only once rejected)
    spent: Number | None = None  # only when isSpentRequired
    isApproved: bool | None = None  # adplane: a workspace admin approved it (pending until its startTime)


class GroupedCampaign(ResponseModel):
    id: int | None
    name: str | None
    status: str | None
    creativeTypeId: int | None


class CampaignGroup(ResponseModel):
    id: int | None
    name: str | None
    created: Number | None
    uowId: int | None
    owId: int | None
    lastModified: Number | None
    rootParentId: str | None
    campaignCount: int | None
    campaings: list[GroupedCampaign]


class StatusCount(ResponseModel):
    order: Number | None
    status_key: str | None
    status_label: str | None
    status_count: Number | None


class CampaignDataItem(ResponseModel):
    id: int | None
    name: str | None
    creativeTypeId: int | None
    campaignType: str | None
    status: str | None
    advertiserId: int | None
    created: Number | None
    modifiedDate: Number | None


class CampaignsData(ResponseModel):
    totalRecords: int | None
    data: list[CampaignDataItem]


class DuplicatedCampaigns(ResponseModel):
    duplicatedCampaignIds: list[int]
    status: bool | None


class CampaignListRow(ResponseModel):
    id: str | None
    name: str | None
    status: str | None
    owId: int | None
    uowId: int | None
    userEmail: str | None
    advertiser_email: Any
    advertiser_id: Number | None
    campaign_type: str | None
    creative_type: str | None
    dsp_id: Number | None
    start_date: Number | None
    end_date: Number | None
    creative_type_id: Number | None
    total_budget: Number | None
    isApproved: bool | None = None  # adplane: approved (a pending one waits for its startTime)


class CampaignList(ResponseModel):
    statusCode: Number | None
    recordsTotal: Number | None
    pageNumber: int | None
    pageSize: int | None
    draw: Number | None
    recordsFiltered: Number | None
    data: list[CampaignListRow]


class ModifiedCampaign(ResponseModel):
    campaingId: int | None
    campaignId: int | None
    maxBid: Number | None
    totalBudget: Number | None
    dailyBudget: Number | None
    endDate: Number | None


class RefusedCampaign(ResponseModel):
    errorMessage: str
    id: str
    campaignName: str | None



class BulkUpdate(ResponseModel):
    """Every campaign got all its new values (`modified_data`) or none (`reason` says why)."""

    status: bool | None
    reason: list[RefusedCampaign] | None = None
    modified_data: list[ModifiedCampaign] | None = None



class StatusChanged(ResponseModel):
    campaignId: int | None
    status: str



class BulkStatusUpdate(ResponseModel):
    status: bool | None
    reason: list[RefusedCampaign]
    modified_data: list[StatusChanged]
