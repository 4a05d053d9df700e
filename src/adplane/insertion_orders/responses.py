"""Answer models of the insertion orders routes (field names are the wire names); Pydantic only, the SDK imports it."""

from __future__ import annotations

from typing import Any

from adplane.core.envelopes import Number, ResponseModel


class CreatedIo(ResponseModel):
    ioId: int | None
    ioName: str | None
    ioStartTime: int | None
    ioEndTime: int | None
    ioTotalBudget: Number | None
    ioTimeZoneId: int | None
    ioBudgetTypeId: int | None
    ioBudgetDistributionMethodId: int | None
    isAutoSumIoTotalBudget: bool | None
    ioTotalImpressions: Any


class IoBasicDetails(ResponseModel):
    ioId: int | None
    ioName: str | None
    ioStartTime: int | None
    ioEndTime: int | None
    ioTimeZoneId: int | None
    ioTotalBudget: Number | None
    ioBudgetDistributionMethodId: int | None
    ioBudgetTypeId: int | None
    ioStatusId: int | None
    ioTotalImpressions: Any
    isBudgetAutoSum: bool | None


class IoBasicList(ResponseModel):
    totalRecords: int | None
    ioBasicDetailsList: list[IoBasicDetails]
    filteredRecords: int | None


class IoCampaign(ResponseModel):
    id: int | None
    campaignId: int | None
    name: str | None
    creativeTypeId: int | None
    campaignTypeId: int | None
    status: str | None
    startTime: int | None
    createdAt: int | None
    modifiedAt: int | None
    owId: int | None
    timezoneId: int | None
    targetedAudienceIds: Any
    endTime: int | None = None  # wire name (absent when the campaign has no end)


class IoCampaignGroup(ResponseModel):
    ioId: int | None
    ioName: str | None
    ioBudgetTypeId: int | None
    ioStatusId: int | None
    created: Number | None
    lastModified: Number | None
    owId: int | None
    uowId: int | None
    campaignCount: int | None
    campaigns: list[IoCampaign]


class IoCampaignGroups(ResponseModel):
    totalRecords: int | None
    ioCampaignsList: list[IoCampaignGroup]
    filteredRecords: int | None


class CampaignDelivery(ResponseModel):
    """A campaign's row of `io/campaigns/list`; as `recordsTotal` the same keys with sums, names and ids null."""

    clicks: Number | None
    impressions: Number | None
    bidImpressions: Number | None
    startCount: int | None
    firstCount: int | None
    midCount: int | None
    thirdCount: int | None
    completeCount: int | None
    audioVideoViewed: Number | None
    dataCost: Number | None
    mediaSpent: Number | None
    spent: Number | None
    budgetSpent: Number | None
    customerSpent: Number | None  # the customer's spend: workspaceSpent grossed up by the workspace's margin
    platformSpent: Number | None
    workspaceSpent: Number | None = None  # what the platform charges: media + data + platform margin
    workspaceEarning: Number | None = None
    platformEarning: Number | None = None
    mediaBudget: Number | None = None  # the part of the budget that reaches the platform
    winRate: Number | None
    CTR: Number | None
    CVR: Number | None
    VCR: Number | None
    eCPM: Number | None
    eCPC: Number | None
    eCPI: Number | None
    eCPCV: Number | None
    eCPV: Number | None
    totalAttributedConversion: Number | None  # conversions the attribution credited (view + click through)
    totalAttributedViewThroughConversion: Number | None
    totalAttributedClickThroughConversion: Number | None
    costPerAttributedConversion: Number | None  # spent / totalAttributedConversion
    totalAttributedConversionRate: Number | None  # totalAttributedConversion / impressions x 100
    owId: int | None = None
    uowId: int | None = None
    organizationName: str | None = None
    campaignId: int | None = None
    campaignName: str | None = None
    budgetDay: Number | None
    budgetTotal: Number | None
    maxBid: Number | None = None
    startTime: int | None = None
    endTime: int | None = None
    campaignType: str | None = None
    status: str | None = None
    isApproved: bool | None = None  # adplane: approved (a pending one waits for its startTime)
    campaignTimezone: str | None = None
    creativeType: str | None = None
    budgetPacing: bool | None = None
    isCampaignFromNewPlatform: bool | None = None
    percentageOfTotalSpent: Number | None
    ioId: int | None = None
    ioName: str | None = None
    ioTimezone: Number | None = None
    ioBudgetDistributionMethod: Number | None = None
    ioStartTime: int | None = None
    ioEndTime: int | None = None
    ioTotalBudget: Number | None = None
    isAutoSumIoTotalBudget: bool | None = None
    ioBudgetTypeId: int | None = None
    ioTotalImpressions: Any = None
    ioStatusId: int | None = None
    pacingPercentage: Number | None
    actualSpent: Number | None
    expectedSpent: Number | None
    campaignDuration: Number | None = None
    remainingDuration: Number | None = None
    dailyPacingPercentage: Number | None = None
    expectedDailySpent: Number | None
    actualDailySpent: Number | None
    creativesCount: int | None = None
    budgetTypeId: int | None = None
    campaignTypeId: int | None = None
    targetImpression: Any = None
    dailyImpression: Number | None
    campaignPriority: Any = None
    totalCount: int | None
    reach: Number | None = None
    frequency: Number | None = None
    date: Any = None


class IoCampaignsDelivery(ResponseModel):
    totalRecords: int | None
    filteredRecords: int | None
    recordsTotal: CampaignDelivery
    recordsList: list[CampaignDelivery]
    totalCount: int | None


class DuplicatedIo(ResponseModel):
    duplicatedCampaignIds: list[int]
    duplicatedIOId: int | None


class InsertionOrder(ResponseModel):
    ioId: int | None
    ioName: str | None
    owId: int | None
    ioStartTime: int | None
    ioEndTime: int | None
    ioTotalBudget: Number | None
    ioTimeZoneId: int | None
    isAutoSumIoTotalBudget: bool | None
    ioBudgetDistributionMethodId: int | None
    ioBudgetTypeId: int | None
    ioStatusId: int | None
    ioTotalImpressions: Any
    isIoPrioritise: bool | None
    ioNextPerformanceCheck: Any
    ioLastPriorityShift: Any
    ioCurrentPriority: Any
    createdByUowId: int | None
    modifiedByUowId: int | None
