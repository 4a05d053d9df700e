"""Answer models of the insight routes (field names are the wire names); Pydantic only, the SDK imports it.

A generate/computation answer is one of: the quote (and the new report's id once created), "still
processing" (`...ReportCreated: false` + `message`), "no funds" (the quote + `message`) or an existing
report of the same scope; so beside `...ReportCreated` every field is optional (left out when absent).
"""

from __future__ import annotations

from typing import Any

from adplane.core.envelopes import Number, ResponseModel


class StaticItem(ResponseModel):
    id: int
    name: str
    label: str
    order: int | None = None


class InsightStatuses(ResponseModel):
    totalRecords: int
    filterRecords: int
    filteredRecords: int
    insightsStatusData: list[StaticItem]


class InsightTypes(ResponseModel):
    totalRecords: int
    filterRecords: int
    filteredRecords: int
    insightsTypeData: list[StaticItem]


class ReportTypes(ResponseModel):
    reportTypeData: list[StaticItem]
    totalRecords: int
    filteredRecords: int


class EligibleCampaign(ResponseModel):
    """`campaignPldTimezoneId` / `campaignSlsTimezoneId` on the PLD / SLS lists."""

    campaignId: int
    campaignTimezoneId: int | None
    campaignPldTimezoneId: int | None = None
    campaignSlsTimezoneId: int | None = None


class EligibleCampaigns(ResponseModel):
    running: list[EligibleCampaign]
    paused: list[EligibleCampaign]
    expired: list[EligibleCampaign]


class AudienceConceptGroup(ResponseModel):
    audienceId: int
    conceptGroupId: int


class PldListItem(ResponseModel):
    pldId: int
    pldName: str | None
    campaignName: str | None
    campaignId: int
    pldStatusId: int
    pldStatusName: str
    startDate: int | None
    endDate: int | None
    ioId: int | None
    ioName: str | None
    isCampaignEligible: bool
    pldCreatedOn: int | None
    creativeTypeId: int | None
    campaignPldTimezoneId: int | None
    ioTypeId: int | None
    failureReason: str | None


class PldList(ResponseModel):
    totalRecords: int
    pldReportDataList: list[PldListItem]
    filteredRecords: int


class SlsListItem(ResponseModel):
    slsId: int
    slsName: str | None
    campaignIds: list[int]
    slsStatusId: int
    slsStatusName: str
    startDate: int | None
    endDate: int | None
    ioId: int | None
    ioName: str | None
    isCampaignEligible: bool
    slsCreatedOn: int | None
    campaignSlsTimezoneId: int | None
    ioTypeId: int | None
    pdfFileSize: int | None
    excelFileSize: int | None
    slsReportTypeIds: list[int]
    slsLookbackDuration: Number | None
    conceptGroupId: int | None
    competitorConceptGroupIds: list[int]
    failureReason: str | None


class SlsList(ResponseModel):
    totalRecords: int
    slsReportDataList: list[SlsListItem]
    filteredRecords: int


class AqsListItem(ResponseModel):
    reportId: int
    reportName: str | None
    campaignName: str | None
    campaignId: int
    statusId: int
    statusName: str
    startDate: int | None
    endDate: int | None
    ioId: int | None
    ioName: str | None
    isCampaignEligible: bool
    reportCreatedOn: int | None
    creativeTypeId: int | None
    ioBudgetType: int | None
    campaignTimeZoneId: int | None
    fileSizeDetails: dict[str, Any]
    aqsReportTypeId: int | None
    aqsAudienceConceptGroups: list[AudienceConceptGroup]
    failureReason: str | None


class AqsList(ResponseModel):
    totalRecords: int
    reportDataList: list[AqsListItem]
    filteredRecords: int


class PldColumns(ResponseModel):
    """Which PLD list columns the user shows."""

    id: bool
    insightsName: bool
    campaignName: bool
    campaignId: bool
    status: bool
    dateRange: bool
    createdOn: bool
    ioName: bool
    ioId: bool


class Existing(ResponseModel):
    """Fields of an answer that names an existing report of the same scope."""

    message: str | None = None
    ioId: int | None = None
    ioName: str | None = None
    ioTypeId: int | None = None
    fundsAvailable: bool | None = None


class PldAnswer(Existing):
    pldReportCreated: bool
    pldId: int | None = None
    pldName: str | None = None
    pldStatusId: int | None = None
    pldCreatedOn: int | None = None
    campaignId: int | None = None
    campaignName: str | None = None
    campaignStatus: str | None = None
    creativeTypeId: int | None = None
    pldStartDate: int | None = None
    pldEndDate: int | None = None
    pldChargeableImps: int | None = None
    pldChargedImps: int | None = None
    pldChargeableCost: Number | None = None
    pldChargedCost: Number | None = None


class SlsAnswer(Existing):
    slsReportCreated: bool
    slsId: int | None = None
    slsName: str | None = None
    slsStatusId: int | None = None
    slsCreatedOn: int | None = None
    campaignId: list[int] | None = None  # wire name (an existing report's campaigns)
    campaignIds: list[int] | None = None
    slsStartDate: int | None = None
    slsEndDate: int | None = None
    slsChargeableImps: int | None = None
    slsChargedImps: int | None = None
    slsChargeableCost: Number | None = None
    slsChargedCost: Number | None = None
    slsLookbackDuration: Number | None = None
    conceptGroupId: int | None = None
    reportTypes: list[int] | None = None
    competitorConceptGroupIds: list[int] | None = None


class AqsAnswer(Existing):
    aqsReportCreated: bool
    aqsReportCreatable: bool | None = None
    aqsId: int | None = None
    aqsName: str | None = None
    aqsStatusId: int | None = None
    aqsCreatedOn: int | None = None
    campaignId: int | None = None
    aqsStartDate: int | None = None
    aqsEndDate: int | None = None
    aqsChargeableImps: int | None = None
    aqsChargedImps: int | None = None
    aqsChargeableCost: Number | None = None
    aqsChargedCost: Number | None = None
    aqsReportTypeId: int | None = None
    aqsAudienceConceptGroups: list[AudienceConceptGroup] | None = None
    effectiveAqsRate: Number | None = None


class PldUrl(ResponseModel):
    pldReportUrl: str


class SlsUrl(ResponseModel):
    slsReportUrl: str


class AqsUrl(ResponseModel):
    reportUrl: str


class NameCheck(ResponseModel):
    available: bool
    message: str
