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
    totalRecords: int  # noqa: N815 - wire name
    filterRecords: int  # noqa: N815 - wire name
    filteredRecords: int  # noqa: N815 - wire name
    insightsStatusData: list[StaticItem]  # noqa: N815 - wire name


class InsightTypes(ResponseModel):
    totalRecords: int  # noqa: N815 - wire name
    filterRecords: int  # noqa: N815 - wire name
    filteredRecords: int  # noqa: N815 - wire name
    insightsTypeData: list[StaticItem]  # noqa: N815 - wire name


class ReportTypes(ResponseModel):
    reportTypeData: list[StaticItem]  # noqa: N815 - wire name
    totalRecords: int  # noqa: N815 - wire name
    filteredRecords: int  # noqa: N815 - wire name


class EligibleCampaign(ResponseModel):
    """`campaignPldTimezoneId` / `campaignSlsTimezoneId` on the PLD / SLS lists."""

    campaignId: int  # noqa: N815 - wire name
    campaignTimezoneId: int | None  # noqa: N815 - wire name
    campaignPldTimezoneId: int | None = None  # noqa: N815 - wire name
    campaignSlsTimezoneId: int | None = None  # noqa: N815 - wire name


class EligibleCampaigns(ResponseModel):
    running: list[EligibleCampaign]
    paused: list[EligibleCampaign]
    expired: list[EligibleCampaign]


class AudienceConceptGroup(ResponseModel):
    audienceId: int  # noqa: N815 - wire name
    conceptGroupId: int  # noqa: N815 - wire name


class PldListItem(ResponseModel):
    pldId: int  # noqa: N815 - wire name
    pldName: str | None  # noqa: N815 - wire name
    campaignName: str | None  # noqa: N815 - wire name
    campaignId: int  # noqa: N815 - wire name
    pldStatusId: int  # noqa: N815 - wire name
    pldStatusName: str  # noqa: N815 - wire name
    startDate: int | None  # noqa: N815 - wire name
    endDate: int | None  # noqa: N815 - wire name
    ioId: int | None  # noqa: N815 - wire name
    ioName: str | None  # noqa: N815 - wire name
    isCampaignEligible: bool  # noqa: N815 - wire name
    pldCreatedOn: int | None  # noqa: N815 - wire name
    creativeTypeId: int | None  # noqa: N815 - wire name
    campaignPldTimezoneId: int | None  # noqa: N815 - wire name
    ioTypeId: int | None  # noqa: N815 - wire name
    failureReason: str | None  # noqa: N815 - wire name


class PldList(ResponseModel):
    totalRecords: int  # noqa: N815 - wire name
    pldReportDataList: list[PldListItem]  # noqa: N815 - wire name
    filteredRecords: int  # noqa: N815 - wire name


class SlsListItem(ResponseModel):
    slsId: int  # noqa: N815 - wire name
    slsName: str | None  # noqa: N815 - wire name
    campaignIds: list[int]  # noqa: N815 - wire name
    slsStatusId: int  # noqa: N815 - wire name
    slsStatusName: str  # noqa: N815 - wire name
    startDate: int | None  # noqa: N815 - wire name
    endDate: int | None  # noqa: N815 - wire name
    ioId: int | None  # noqa: N815 - wire name
    ioName: str | None  # noqa: N815 - wire name
    isCampaignEligible: bool  # noqa: N815 - wire name
    slsCreatedOn: int | None  # noqa: N815 - wire name
    campaignSlsTimezoneId: int | None  # noqa: N815 - wire name
    ioTypeId: int | None  # noqa: N815 - wire name
    pdfFileSize: int | None  # noqa: N815 - wire name
    excelFileSize: int | None  # noqa: N815 - wire name
    slsReportTypeIds: list[int]  # noqa: N815 - wire name
    slsLookbackDuration: Number | None  # noqa: N815 - wire name
    conceptGroupId: int | None  # noqa: N815 - wire name
    competitorConceptGroupIds: list[int]  # noqa: N815 - wire name
    failureReason: str | None  # noqa: N815 - wire name


class SlsList(ResponseModel):
    totalRecords: int  # noqa: N815 - wire name
    slsReportDataList: list[SlsListItem]  # noqa: N815 - wire name
    filteredRecords: int  # noqa: N815 - wire name


class AqsListItem(ResponseModel):
    reportId: int  # noqa: N815 - wire name
    reportName: str | None  # noqa: N815 - wire name
    campaignName: str | None  # noqa: N815 - wire name
    campaignId: int  # noqa: N815 - wire name
    statusId: int  # noqa: N815 - wire name
    statusName: str  # noqa: N815 - wire name
    startDate: int | None  # noqa: N815 - wire name
    endDate: int | None  # noqa: N815 - wire name
    ioId: int | None  # noqa: N815 - wire name
    ioName: str | None  # noqa: N815 - wire name
    isCampaignEligible: bool  # noqa: N815 - wire name
    reportCreatedOn: int | None  # noqa: N815 - wire name
    creativeTypeId: int | None  # noqa: N815 - wire name
    ioBudgetType: int | None  # noqa: N815 - wire name
    campaignTimeZoneId: int | None  # noqa: N815 - wire name
    fileSizeDetails: dict[str, Any]  # noqa: N815 - wire name
    aqsReportTypeId: int | None  # noqa: N815 - wire name
    aqsAudienceConceptGroups: list[AudienceConceptGroup]  # noqa: N815 - wire name
    failureReason: str | None  # noqa: N815 - wire name


class AqsList(ResponseModel):
    totalRecords: int  # noqa: N815 - wire name
    reportDataList: list[AqsListItem]  # noqa: N815 - wire name
    filteredRecords: int  # noqa: N815 - wire name


class PldColumns(ResponseModel):
    """Which PLD list columns the user shows."""

    id: bool
    insightsName: bool  # noqa: N815 - wire name
    campaignName: bool  # noqa: N815 - wire name
    campaignId: bool  # noqa: N815 - wire name
    status: bool
    dateRange: bool  # noqa: N815 - wire name
    createdOn: bool  # noqa: N815 - wire name
    ioName: bool  # noqa: N815 - wire name
    ioId: bool  # noqa: N815 - wire name


class Existing(ResponseModel):
    """Fields of an answer that names an existing report of the same scope."""

    message: str | None = None
    ioId: int | None = None  # noqa: N815 - wire name
    ioName: str | None = None  # noqa: N815 - wire name
    ioTypeId: int | None = None  # noqa: N815 - wire name
    fundsAvailable: bool | None = None  # noqa: N815 - wire name


class PldAnswer(Existing):
    pldReportCreated: bool  # noqa: N815 - wire name
    pldId: int | None = None  # noqa: N815 - wire name
    pldName: str | None = None  # noqa: N815 - wire name
    pldStatusId: int | None = None  # noqa: N815 - wire name
    pldCreatedOn: int | None = None  # noqa: N815 - wire name
    campaignId: int | None = None  # noqa: N815 - wire name
    campaignName: str | None = None  # noqa: N815 - wire name
    campaignStatus: str | None = None  # noqa: N815 - wire name
    creativeTypeId: int | None = None  # noqa: N815 - wire name
    pldStartDate: int | None = None  # noqa: N815 - wire name
    pldEndDate: int | None = None  # noqa: N815 - wire name
    pldChargeableImps: int | None = None  # noqa: N815 - wire name
    pldChargedImps: int | None = None  # noqa: N815 - wire name
    pldChargeableCost: Number | None = None  # noqa: N815 - wire name
    pldChargedCost: Number | None = None  # noqa: N815 - wire name


class SlsAnswer(Existing):
    slsReportCreated: bool  # noqa: N815 - wire name
    slsId: int | None = None  # noqa: N815 - wire name
    slsName: str | None = None  # noqa: N815 - wire name
    slsStatusId: int | None = None  # noqa: N815 - wire name
    slsCreatedOn: int | None = None  # noqa: N815 - wire name
    campaignId: list[int] | None = None  # noqa: N815 - wire name (an existing report's campaigns)
    campaignIds: list[int] | None = None  # noqa: N815 - wire name
    slsStartDate: int | None = None  # noqa: N815 - wire name
    slsEndDate: int | None = None  # noqa: N815 - wire name
    slsChargeableImps: int | None = None  # noqa: N815 - wire name
    slsChargedImps: int | None = None  # noqa: N815 - wire name
    slsChargeableCost: Number | None = None  # noqa: N815 - wire name
    slsChargedCost: Number | None = None  # noqa: N815 - wire name
    slsLookbackDuration: Number | None = None  # noqa: N815 - wire name
    conceptGroupId: int | None = None  # noqa: N815 - wire name
    reportTypes: list[int] | None = None  # noqa: N815 - wire name
    competitorConceptGroupIds: list[int] | None = None  # noqa: N815 - wire name


class AqsAnswer(Existing):
    aqsReportCreated: bool  # noqa: N815 - wire name
    aqsReportCreatable: bool | None = None  # noqa: N815 - wire name
    aqsId: int | None = None  # noqa: N815 - wire name
    aqsName: str | None = None  # noqa: N815 - wire name
    aqsStatusId: int | None = None  # noqa: N815 - wire name
    aqsCreatedOn: int | None = None  # noqa: N815 - wire name
    campaignId: int | None = None  # noqa: N815 - wire name
    aqsStartDate: int | None = None  # noqa: N815 - wire name
    aqsEndDate: int | None = None  # noqa: N815 - wire name
    aqsChargeableImps: int | None = None  # noqa: N815 - wire name
    aqsChargedImps: int | None = None  # noqa: N815 - wire name
    aqsChargeableCost: Number | None = None  # noqa: N815 - wire name
    aqsChargedCost: Number | None = None  # noqa: N815 - wire name
    aqsReportTypeId: int | None = None  # noqa: N815 - wire name
    aqsAudienceConceptGroups: list[AudienceConceptGroup] | None = None  # noqa: N815 - wire name
    effectiveAqsRate: Number | None = None  # noqa: N815 - wire name


class PldUrl(ResponseModel):
    pldReportUrl: str  # noqa: N815 - wire name


class SlsUrl(ResponseModel):
    slsReportUrl: str  # noqa: N815 - wire name


class AqsUrl(ResponseModel):
    reportUrl: str  # noqa: N815 - wire name


class NameCheck(ResponseModel):
    available: bool
    message: str
