"""Answer models of the campaigns routes (field names are the wire names); Pydantic only, the SDK imports it."""

from __future__ import annotations

from typing import Any

from adplane.core.envelopes import Number, ResponseModel


class GraphInfoItem(ResponseModel):
    date: str | None
    amount: Number | None
    type: str | None


class CampaignBudgetInfo(ResponseModel):
    campaignId: Any  # noqa: N815 - wire name
    budgetTotal: Number | None  # noqa: N815 - wire name
    actualSpent: Number | None  # noqa: N815 - wire name
    dailyBudget: Number | None  # noqa: N815 - wire name
    fixedDailyBudget: bool | None  # noqa: N815 - wire name
    startTime: int | None  # noqa: N815 - wire name
    endTime: int | None  # noqa: N815 - wire name
    timezone: Number | None
    graphInfo: list[GraphInfoItem]  # noqa: N815 - wire name


class CampaignSaved(ResponseModel):
    data: int | None
    message: str
    status: str


class CampaignStart(ResponseModel):
    start_time: Number | None


class CampaignDetail(ResponseModel):
    owId: int | None  # noqa: N815 - wire name
    parentOrganizationName: str | None  # noqa: N815 - wire name
    id: int | None
    uowId: int | None  # noqa: N815 - wire name
    campaignName: str | None  # noqa: N815 - wire name
    advertiserDomain: str | None  # noqa: N815 - wire name
    creativeType: Number | None  # noqa: N815 - wire name
    campaignType: Number | None  # noqa: N815 - wire name
    totalBudgetPacing: bool | None  # noqa: N815 - wire name
    isTvAd: bool | None  # noqa: N815 - wire name
    budgetDay: Number | None  # noqa: N815 - wire name
    budgetTotal: Number | None  # noqa: N815 - wire name
    maxBid: Number | None  # noqa: N815 - wire name
    timezone: Number | None
    startTime: int | None  # noqa: N815 - wire name
    endTime: int | None  # noqa: N815 - wire name
    status: str | None
    dspMargin: Number | None  # noqa: N815 - wire name
    platformMargin: Number | None  # noqa: N815 - wire name
    userDealMargin: Number | None  # noqa: N815 - wire name
    spentScale: bool | None  # noqa: N815 - wire name
    creativeIds: str | None  # noqa: N815 - wire name
    conversionType: str | None  # noqa: N815 - wire name
    bidOptimization: bool | None  # noqa: N815 - wire name
    bidPacing: bool | None  # noqa: N815 - wire name
    isBidShading: bool | None  # noqa: N815 - wire name
    impressionCapping: Number | None  # noqa: N815 - wire name
    maxDayImpressions: Number | None  # noqa: N815 - wire name
    maxDayClicks: Number | None  # noqa: N815 - wire name
    maxDayConversions: Number | None  # noqa: N815 - wire name
    totalImpressions: Number | None  # noqa: N815 - wire name
    totalClicks: Number | None  # noqa: N815 - wire name
    totalConversions: Number | None  # noqa: N815 - wire name
    deviceType: str | None  # noqa: N815 - wire name
    trafficType: str | None  # noqa: N815 - wire name
    exchanges: str | None
    stateIds: str | None  # noqa: N815 - wire name
    publisherAdCategory: str | None  # noqa: N815 - wire name
    isLocationWithOrFilter: bool | None  # noqa: N815 - wire name
    countryId: str | None  # noqa: N815 - wire name
    locationDetails: dict[str, Any]  # noqa: N815 - wire name
    isCampaignFromNewPlatform: bool | None  # noqa: N815 - wire name
    organizationName: str | None  # noqa: N815 - wire name
    userEmail: str | None  # noqa: N815 - wire name
    userName: str | None  # noqa: N815 - wire name
    conversionTypeId: int | None  # noqa: N815 - wire name
    isUnapprovedAudienceTargeted: bool | None  # noqa: N815 - wire name
    isAllAudienceUnapproved: bool | None  # noqa: N815 - wire name
    createDate: Number | None  # noqa: N815 - wire name
    ioId: int | None  # noqa: N815 - wire name
    ioName: str | None  # noqa: N815 - wire name
    prebidAudienceSegmentIdList: list[Any]  # noqa: N815 - wire name
    campaignTypeId: int | None  # noqa: N815 - wire name
    budgetTypeId: int | None  # noqa: N815 - wire name
    targetImpression: Any  # noqa: N815 - wire name
    isAdvanceAudioVideoTargeted: bool | None  # noqa: N815 - wire name
    isEstimatorAvailable: bool | None  # noqa: N815 - wire name
    isEditAccess: bool | None  # noqa: N815 - wire name
    isMarginSet: bool | None  # noqa: N815 - wire name
    isApprovalAccess: bool | None  # noqa: N815 - wire name
    isParentInvoiceTemplateSet: bool | None  # noqa: N815 - wire name
    rejectionReason: str | None = None  # noqa: N815 - wire name (only once rejected)
    spent: Number | None = None  # only when isSpentRequired


class GroupedCampaign(ResponseModel):
    id: int | None
    name: str | None
    status: str | None
    creativeTypeId: int | None  # noqa: N815 - wire name


class CampaignGroup(ResponseModel):
    id: int | None
    name: str | None
    created: Number | None
    uowId: int | None  # noqa: N815 - wire name
    owId: int | None  # noqa: N815 - wire name
    lastModified: Number | None  # noqa: N815 - wire name
    rootParentId: str | None  # noqa: N815 - wire name
    campaignCount: int | None  # noqa: N815 - wire name
    campaings: list[GroupedCampaign]


class StatusCount(ResponseModel):
    order: Number | None
    status_key: str | None
    status_label: str | None
    status_count: Number | None


class CampaignDataItem(ResponseModel):
    id: int | None
    name: str | None
    creativeTypeId: int | None  # noqa: N815 - wire name
    campaignType: str | None  # noqa: N815 - wire name
    status: str | None
    advertiserId: int | None  # noqa: N815 - wire name
    created: Number | None
    modifiedDate: Number | None  # noqa: N815 - wire name


class CampaignsData(ResponseModel):
    totalRecords: int | None  # noqa: N815 - wire name
    data: list[CampaignDataItem]


class DuplicatedCampaigns(ResponseModel):
    duplicatedCampaignIds: list[int]  # noqa: N815 - wire name
    status: bool | None


class CampaignListRow(ResponseModel):
    id: str | None
    name: str | None
    status: str | None
    owId: int | None  # noqa: N815 - wire name
    uowId: int | None  # noqa: N815 - wire name
    userEmail: str | None  # noqa: N815 - wire name
    advertiser_email: Any
    advertiser_id: Number | None
    campaign_type: str | None
    creative_type: str | None
    dsp_id: Number | None
    start_date: Number | None
    end_date: Number | None
    creative_type_id: Number | None
    total_budget: Number | None


class CampaignList(ResponseModel):
    statusCode: Number | None  # noqa: N815 - wire name
    recordsTotal: Number | None  # noqa: N815 - wire name
    pageNumber: int | None  # noqa: N815 - wire name
    pageSize: int | None  # noqa: N815 - wire name
    draw: Number | None
    recordsFiltered: Number | None  # noqa: N815 - wire name
    data: list[CampaignListRow]


class ModifiedCampaign(ResponseModel):
    campaingId: int | None  # noqa: N815 - wire name
    campaignId: int | None  # noqa: N815 - wire name
    maxBid: Number | None  # noqa: N815 - wire name
    totalBudget: Number | None  # noqa: N815 - wire name
    dailyBudget: Number | None  # noqa: N815 - wire name
    endDate: Number | None  # noqa: N815 - wire name


class RefusedCampaign(ResponseModel):
    errorMessage: str  # noqa: N815 - wire name
    id: str
    campaignName: str | None  # noqa: N815 - wire name



class BulkUpdate(ResponseModel):
    """Every campaign got all its new values (`modified_data`) or none (`reason` says why)."""

    status: bool | None
    reason: list[RefusedCampaign] | None = None
    modified_data: list[ModifiedCampaign] | None = None



class StatusChanged(ResponseModel):
    campaignId: int | None  # noqa: N815 - wire name
    status: str



class BulkStatusUpdate(ResponseModel):
    status: bool | None
    reason: list[RefusedCampaign]
    modified_data: list[StatusChanged]
