"""Answer models of the insertion orders routes (field names are the wire names); Pydantic only, the SDK imports it."""

from __future__ import annotations

from typing import Any

from adplane.core.envelopes import Number, ResponseModel


class CreatedIo(ResponseModel):
    ioId: int | None  # noqa: N815 - wire name
    ioName: str | None  # noqa: N815 - wire name
    ioStartTime: int | None  # noqa: N815 - wire name
    ioEndTime: int | None  # noqa: N815 - wire name
    ioTotalBudget: Number | None  # noqa: N815 - wire name
    ioTimeZoneId: int | None  # noqa: N815 - wire name
    ioBudgetTypeId: int | None  # noqa: N815 - wire name
    ioBudgetDistributionMethodId: int | None  # noqa: N815 - wire name
    isAutoSumIoTotalBudget: bool | None  # noqa: N815 - wire name
    ioTotalImpressions: Any  # noqa: N815 - wire name


class IoBasicDetails(ResponseModel):
    ioId: int | None  # noqa: N815 - wire name
    ioName: str | None  # noqa: N815 - wire name
    ioStartTime: int | None  # noqa: N815 - wire name
    ioEndTime: int | None  # noqa: N815 - wire name
    ioTimeZoneId: int | None  # noqa: N815 - wire name
    ioTotalBudget: Number | None  # noqa: N815 - wire name
    ioBudgetDistributionMethodId: int | None  # noqa: N815 - wire name
    ioBudgetTypeId: int | None  # noqa: N815 - wire name
    ioStatusId: int | None  # noqa: N815 - wire name
    ioTotalImpressions: Any  # noqa: N815 - wire name
    isBudgetAutoSum: bool | None  # noqa: N815 - wire name


class IoBasicList(ResponseModel):
    totalRecords: int | None  # noqa: N815 - wire name
    ioBasicDetailsList: list[IoBasicDetails]  # noqa: N815 - wire name
    filteredRecords: int | None  # noqa: N815 - wire name


class IoCampaign(ResponseModel):
    id: int | None
    campaignId: int | None  # noqa: N815 - wire name
    name: str | None
    creativeTypeId: int | None  # noqa: N815 - wire name
    campaignTypeId: int | None  # noqa: N815 - wire name
    status: str | None
    startTime: int | None  # noqa: N815 - wire name
    createdAt: int | None  # noqa: N815 - wire name
    modifiedAt: int | None  # noqa: N815 - wire name
    owId: int | None  # noqa: N815 - wire name
    timezoneId: int | None  # noqa: N815 - wire name
    targetedAudienceIds: Any  # noqa: N815 - wire name
    endTime: int | None = None  # noqa: N815 - wire name (absent when the campaign has no end)


class IoCampaignGroup(ResponseModel):
    ioId: int | None  # noqa: N815 - wire name
    ioName: str | None  # noqa: N815 - wire name
    ioBudgetTypeId: int | None  # noqa: N815 - wire name
    ioStatusId: int | None  # noqa: N815 - wire name
    created: Number | None
    lastModified: Number | None  # noqa: N815 - wire name
    owId: int | None  # noqa: N815 - wire name
    uowId: int | None  # noqa: N815 - wire name
    campaignCount: int | None  # noqa: N815 - wire name
    campaigns: list[IoCampaign]


class IoCampaignGroups(ResponseModel):
    totalRecords: int | None  # noqa: N815 - wire name
    ioCampaignsList: list[IoCampaignGroup]  # noqa: N815 - wire name
    filteredRecords: int | None  # noqa: N815 - wire name


class DeliveryTotals(ResponseModel):
    clicks: Number | None
    impressions: Number | None
    bidImpressions: Number | None  # noqa: N815 - wire name
    startCount: int | None  # noqa: N815 - wire name
    firstCount: int | None  # noqa: N815 - wire name
    midCount: int | None  # noqa: N815 - wire name
    thirdCount: int | None  # noqa: N815 - wire name
    completeCount: int | None  # noqa: N815 - wire name
    audioVideoViewed: Number | None  # noqa: N815 - wire name
    dataCost: Number | None  # noqa: N815 - wire name
    mediaSpent: Number | None  # noqa: N815 - wire name
    spent: Number | None
    budgetSpent: Number | None  # noqa: N815 - wire name
    customerSpent: Number | None  # noqa: N815 - wire name
    platformSpent: Number | None  # noqa: N815 - wire name
    winRate: Number | None  # noqa: N815 - wire name
    CTR: Number | None
    CVR: Number | None
    VCR: Number | None
    eCPM: Number | None  # noqa: N815 - wire name
    eCPC: Number | None  # noqa: N815 - wire name
    eCPI: Number | None  # noqa: N815 - wire name
    eCPCV: Number | None  # noqa: N815 - wire name
    eCPV: Number | None  # noqa: N815 - wire name
    totalAttributedConversion: Number | None  # noqa: N815 - wire name
    owId: Any = None  # noqa: N815 - wire name
    uowId: Any = None  # noqa: N815 - wire name
    organizationName: Any = None  # noqa: N815 - wire name
    campaignId: Any = None  # noqa: N815 - wire name
    campaignName: Any = None  # noqa: N815 - wire name
    budgetDay: Number | None  # noqa: N815 - wire name
    budgetTotal: Number | None  # noqa: N815 - wire name
    maxBid: Any = None  # noqa: N815 - wire name
    startTime: Any = None  # noqa: N815 - wire name
    endTime: Any = None  # noqa: N815 - wire name
    campaignType: Any = None  # noqa: N815 - wire name
    status: Any = None
    campaignTimezone: Any = None  # noqa: N815 - wire name
    creativeType: Any = None  # noqa: N815 - wire name
    budgetPacing: Any = None  # noqa: N815 - wire name
    isCampaignFromNewPlatform: Any = None  # noqa: N815 - wire name
    percentageOfTotalSpent: Number | None  # noqa: N815 - wire name
    ioId: Any = None  # noqa: N815 - wire name
    ioName: Any = None  # noqa: N815 - wire name
    ioTimezone: Any = None  # noqa: N815 - wire name
    ioBudgetDistributionMethod: Any = None  # noqa: N815 - wire name
    ioStartTime: Any = None  # noqa: N815 - wire name
    ioEndTime: Any = None  # noqa: N815 - wire name
    ioTotalBudget: Any = None  # noqa: N815 - wire name
    isAutoSumIoTotalBudget: Any = None  # noqa: N815 - wire name
    ioBudgetTypeId: Any = None  # noqa: N815 - wire name
    ioTotalImpressions: Any = None  # noqa: N815 - wire name
    ioStatusId: Any = None  # noqa: N815 - wire name
    pacingPercentage: Number | None  # noqa: N815 - wire name
    actualSpent: Number | None  # noqa: N815 - wire name
    expectedSpent: Number | None  # noqa: N815 - wire name
    campaignDuration: Any = None  # noqa: N815 - wire name
    remainingDuration: Any = None  # noqa: N815 - wire name
    dailyPacingPercentage: Any = None  # noqa: N815 - wire name
    expectedDailySpent: Number | None  # noqa: N815 - wire name
    actualDailySpent: Number | None  # noqa: N815 - wire name
    creativesCount: Any = None  # noqa: N815 - wire name
    budgetTypeId: Any = None  # noqa: N815 - wire name
    campaignTypeId: Any = None  # noqa: N815 - wire name
    targetImpression: Any = None  # noqa: N815 - wire name
    dailyImpression: Number | None  # noqa: N815 - wire name
    campaignPriority: Any = None  # noqa: N815 - wire name
    totalCount: int | None  # noqa: N815 - wire name
    reach: Any = None
    frequency: Any = None
    date: Any = None


class CampaignDelivery(ResponseModel):
    clicks: Number | None
    impressions: Number | None
    bidImpressions: Number | None  # noqa: N815 - wire name
    startCount: int | None  # noqa: N815 - wire name
    firstCount: int | None  # noqa: N815 - wire name
    midCount: int | None  # noqa: N815 - wire name
    thirdCount: int | None  # noqa: N815 - wire name
    completeCount: int | None  # noqa: N815 - wire name
    audioVideoViewed: Number | None  # noqa: N815 - wire name
    dataCost: Number | None  # noqa: N815 - wire name
    mediaSpent: Number | None  # noqa: N815 - wire name
    spent: Number | None
    budgetSpent: Number | None  # noqa: N815 - wire name
    customerSpent: Number | None  # noqa: N815 - wire name
    platformSpent: Number | None  # noqa: N815 - wire name
    winRate: Number | None  # noqa: N815 - wire name
    CTR: Number | None
    CVR: Number | None
    VCR: Number | None
    eCPM: Number | None  # noqa: N815 - wire name
    eCPC: Number | None  # noqa: N815 - wire name
    eCPI: Number | None  # noqa: N815 - wire name
    eCPCV: Number | None  # noqa: N815 - wire name
    eCPV: Number | None  # noqa: N815 - wire name
    totalAttributedConversion: Number | None  # noqa: N815 - wire name
    owId: int | None  # noqa: N815 - wire name
    uowId: int | None  # noqa: N815 - wire name
    organizationName: str | None  # noqa: N815 - wire name
    campaignId: int | None  # noqa: N815 - wire name
    campaignName: str | None  # noqa: N815 - wire name
    budgetDay: Number | None  # noqa: N815 - wire name
    budgetTotal: Number | None  # noqa: N815 - wire name
    maxBid: Number | None  # noqa: N815 - wire name
    startTime: int | None  # noqa: N815 - wire name
    endTime: int | None  # noqa: N815 - wire name
    campaignType: str | None  # noqa: N815 - wire name
    status: str | None
    campaignTimezone: str | None  # noqa: N815 - wire name
    creativeType: str | None  # noqa: N815 - wire name
    budgetPacing: bool | None  # noqa: N815 - wire name
    isCampaignFromNewPlatform: bool | None  # noqa: N815 - wire name
    percentageOfTotalSpent: Number | None  # noqa: N815 - wire name
    ioId: int | None  # noqa: N815 - wire name
    ioName: str | None  # noqa: N815 - wire name
    ioTimezone: Number | None  # noqa: N815 - wire name
    ioBudgetDistributionMethod: Number | None  # noqa: N815 - wire name
    ioStartTime: int | None  # noqa: N815 - wire name
    ioEndTime: int | None  # noqa: N815 - wire name
    ioTotalBudget: Number | None  # noqa: N815 - wire name
    isAutoSumIoTotalBudget: bool | None  # noqa: N815 - wire name
    ioBudgetTypeId: int | None  # noqa: N815 - wire name
    ioTotalImpressions: Any  # noqa: N815 - wire name
    ioStatusId: int | None  # noqa: N815 - wire name
    pacingPercentage: Number | None  # noqa: N815 - wire name
    actualSpent: Number | None  # noqa: N815 - wire name
    expectedSpent: Number | None  # noqa: N815 - wire name
    campaignDuration: Number | None  # noqa: N815 - wire name
    remainingDuration: Number | None  # noqa: N815 - wire name
    dailyPacingPercentage: Number | None  # noqa: N815 - wire name
    expectedDailySpent: Number | None  # noqa: N815 - wire name
    actualDailySpent: Number | None  # noqa: N815 - wire name
    creativesCount: int | None  # noqa: N815 - wire name
    budgetTypeId: int | None  # noqa: N815 - wire name
    campaignTypeId: int | None  # noqa: N815 - wire name
    targetImpression: Any  # noqa: N815 - wire name
    dailyImpression: Number | None  # noqa: N815 - wire name
    campaignPriority: Any  # noqa: N815 - wire name
    totalCount: int | None  # noqa: N815 - wire name
    reach: Number | None
    frequency: Number | None
    date: Any


class IoCampaignsDelivery(ResponseModel):
    totalRecords: int | None  # noqa: N815 - wire name
    filteredRecords: int | None  # noqa: N815 - wire name
    recordsTotal: DeliveryTotals  # noqa: N815 - wire name
    recordsList: list[CampaignDelivery]  # noqa: N815 - wire name
    totalCount: int | None  # noqa: N815 - wire name


class DuplicatedIo(ResponseModel):
    duplicatedCampaignIds: list[int]  # noqa: N815 - wire name
    duplicatedIOId: int | None  # noqa: N815 - wire name


class InsertionOrder(ResponseModel):
    ioId: int | None  # noqa: N815 - wire name
    ioName: str | None  # noqa: N815 - wire name
    owId: int | None  # noqa: N815 - wire name
    ioStartTime: int | None  # noqa: N815 - wire name
    ioEndTime: int | None  # noqa: N815 - wire name
    ioTotalBudget: Number | None  # noqa: N815 - wire name
    ioTimeZoneId: int | None  # noqa: N815 - wire name
    isAutoSumIoTotalBudget: bool | None  # noqa: N815 - wire name
    ioBudgetDistributionMethodId: int | None  # noqa: N815 - wire name
    ioBudgetTypeId: int | None  # noqa: N815 - wire name
    ioStatusId: int | None  # noqa: N815 - wire name
    ioTotalImpressions: Any  # noqa: N815 - wire name
    isIoPrioritise: bool | None  # noqa: N815 - wire name
    ioNextPerformanceCheck: Any  # noqa: N815 - wire name
    ioLastPriorityShift: Any  # noqa: N815 - wire name
    ioCurrentPriority: Any  # noqa: N815 - wire name
    createdByUowId: int | None  # noqa: N815 - wire name
    modifiedByUowId: int | None  # noqa: N815 - wire name
