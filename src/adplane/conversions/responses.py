"""Answer models of the Conversion API routes (wire names); Pydantic only, the SDK imports it."""

from __future__ import annotations

from typing import Any

from adplane.core.envelopes import V3, Number, ResponseModel


class StaticItem(ResponseModel):
    id: int
    name: str
    order: int | None = None
    active: bool | None = None
    displayName: str | None = None
    description: str | None = None
    logoUrl: str | None = None
    value: str | None = None


class StaticList(ResponseModel):
    data: list[StaticItem]
    totalRecords: int
    filteredRecords: int


class TypeCount(ResponseModel):
    conversionType: str
    conversionCount: int
    order: int


class PiggybackData(ResponseModel):
    url: str | None
    type: int | None


class ConversionDuration(ResponseModel):
    view: int
    click: int


class RepeatConversion(ResponseModel):
    count: int
    frequency: int
    unit: str


class ConversionSetting(ResponseModel):
    conversionDuration: ConversionDuration
    repeatConversion: RepeatConversion
    crossModelling: bool


class ConversionDetails(ResponseModel):
    """GET /api/v3/conversion/{id}: pixel fields or postback fields, by `typeId`."""

    id: int
    name: str
    uuid: str
    typeId: int
    owId: int
    createdByUowId: int | None
    modifiedByUowId: int | None
    statusId: int
    created: int  # epoch milliseconds
    attributionId: int | None = None
    customFields: list[str] | None = None
    financialMetrics: str | None = None
    piggybackData: PiggybackData | None = None
    pixelConversionScript: str | None = None
    pixelUrl: str | None = None  # the image pixel's address (adplane)
    conversionSetting: ConversionSetting | None = None
    partnerTypeId: int | None = None
    impressionUrl: str | None = None
    clickUrl: str | None = None
    postbackUrl: str | None = None  # where the partner sends conversions (adplane)


class ConversionSaved(ResponseModel):
    """The answer of pixel/add and postback/add (IQM's plural counter names)."""

    id: int
    name: str
    status: str
    type: str
    created: int
    totalConversions: int
    owId: int
    createdByUowId: int | None
    modifiedByUowId: int | None
    uuid: str
    attributedConversions: int
    attributedViewThroughConversions: int
    attributedClickThroughConversions: int
    pixelFinancialMetric: str | None
    postbackPartnerLogoURL: str | None
    partnerUrl: str | None
    postbackPartnerName: str | None = None  # wire name (pixel/add)
    partnerName: str | None = None  # wire name (postback/add)
    pixelConversionScript: str | None = None
    postbackUrl: str | None = None  # adplane


class ConversionListItem(ResponseModel):
    """A row of /api/v3/conversion/list (IQM's singular counter names)."""

    id: int
    name: str
    postbackPartnerName: str | None
    status: str
    type: str
    created: int
    totalConversion: int
    owId: int
    createdByUowId: int | None
    modifiedByUowId: int | None
    uuid: str
    pixelConversionScript: str | None
    attributedConversion: int
    attributedViewThroughConversion: int
    attributedClickThroughConversion: int
    conversionValue: Number  # sum of the attributed conversions' values (adplane)
    pixelFinancialMetric: str | None
    postbackPartnerLogoUrl: str | None
    campaignCount: int


class ConversionList(ResponseModel):
    data: list[ConversionListItem]
    totalRecords: int
    filteredRecords: int


class PixelUpdated(ResponseModel):
    id: int
    name: str
    piggybackData: PiggybackData | None = None


class PostbackUpdated(ResponseModel):
    id: int
    name: str


class BasicConversion(ResponseModel):
    id: int
    name: str
    isROAS: bool


class CmpConversion(ResponseModel):
    id: int
    name: str
    created: int
    status: str | None = None
    partnerName: str | None = None
    logoUrl: str | None = None


class CmpConversionList(ResponseModel):
    totalRecords: int
    conversionData: list[CmpConversion]
    filteredRecords: int


class AssignResult(ResponseModel):
    conversionIdsList: int | list[int]  # one id as a number (the guide), several as a list
    validAddCampaignIdsList: list[int]
    invalidAddCampaignIdsList: list[int]
    validRemoveCampaignIdsList: list[int]
    invalidRemoveCampaignIdsList: list[int]


class AttachedCampaign(ResponseModel):
    campaignId: int
    campaignName: str
    creativeTypeId: int | None
    status: str
    startTime: int | None  # epoch seconds, like campaigns
    endTime: int | None
    ioId: int
    ioName: str | None
    ioStatusId: int | None
    ioBudgetTypeId: int | None


class AttachedCampaigns(V3[list[AttachedCampaign]]):
    """IQM puts the counts beside `data`, outside it."""

    totalRecords: int
    filterRecords: int


class AllowedCampaign(ResponseModel):
    id: int
    campaignId: int
    name: str
    creativeTypeId: int | None
    status: str
    startTime: int | None
    endTime: int | None
    createdAt: int | None
    modifiedAt: int | None
    owId: int
    ioId: int
    ioName: str | None
    ioStatusId: int | None
    timezoneId: int | None
    campaignTypeId: int | None
    ioBudgetTypeId: int | None
    targetedAudienceIds: Any
    prebidAudienceProviderId: Any
    isAttached: bool | None = None  # attached to one of the given conversions (adplane)


class AllowedIoGroup(ResponseModel):
    ioId: int
    ioName: str
    ioBudgetTypeId: int | None
    ioStatusId: int | None
    created: int | None
    lastModified: int | None
    owId: int
    uowId: int | None
    campaignCount: int
    campaigns: list[AllowedCampaign]


class AllowedCampaignList(ResponseModel):
    totalRecords: int
    ioCampaignsList: list[AllowedIoGroup]
    filteredRecords: int


class CustomFieldRow(ResponseModel):
    id: int
    pixelName: str
    customFieldName: str


class CustomFieldList(ResponseModel):
    totalRecords: int
    filterRecords: int
    customFieldData: list[CustomFieldRow]


class HitRecorded(ResponseModel):
    """The answer of a postback: the hit's id and whether this call stored it (False: a repeat of the same
    transaction id, nothing written)."""

    hitId: int  # adplane
    recorded: bool
    counted: bool
