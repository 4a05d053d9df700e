"""Answer models of the Conversion API routes (wire names); Pydantic only, the SDK imports it."""

from __future__ import annotations

from typing import Any

from adplane.core.envelopes import V3, Number, ResponseModel


class StaticItem(ResponseModel):
    id: int
    name: str
    order: int | None = None
    active: bool | None = None
    displayName: str | None = None  # noqa: N815 - wire name
    description: str | None = None
    logoUrl: str | None = None  # noqa: N815 - wire name
    value: str | None = None


class StaticList(ResponseModel):
    data: list[StaticItem]
    totalRecords: int  # noqa: N815 - wire name
    filteredRecords: int  # noqa: N815 - wire name


class TypeCount(ResponseModel):
    conversionType: str  # noqa: N815 - wire name
    conversionCount: int  # noqa: N815 - wire name
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
    conversionDuration: ConversionDuration  # noqa: N815 - wire name
    repeatConversion: RepeatConversion  # noqa: N815 - wire name
    crossModelling: bool  # noqa: N815 - wire name


class ConversionDetails(ResponseModel):
    """GET /api/v3/conversion/{id}: pixel fields or postback fields, by `typeId`."""

    id: int
    name: str
    uuid: str
    typeId: int  # noqa: N815 - wire name
    owId: int  # noqa: N815 - wire name
    createdByUowId: int | None  # noqa: N815 - wire name
    modifiedByUowId: int | None  # noqa: N815 - wire name
    statusId: int  # noqa: N815 - wire name
    created: int  # noqa: N815 - epoch milliseconds
    attributionId: int | None = None  # noqa: N815 - wire name
    customFields: list[str] | None = None  # noqa: N815 - wire name
    financialMetrics: str | None = None  # noqa: N815 - wire name
    piggybackData: PiggybackData | None = None  # noqa: N815 - wire name
    pixelConversionScript: str | None = None  # noqa: N815 - wire name
    pixelUrl: str | None = None  # noqa: N815 - the image pixel's address (adplane)
    conversionSetting: ConversionSetting | None = None  # noqa: N815 - wire name
    partnerTypeId: int | None = None  # noqa: N815 - wire name
    impressionUrl: str | None = None  # noqa: N815 - wire name
    clickUrl: str | None = None  # noqa: N815 - wire name
    postbackUrl: str | None = None  # noqa: N815 - where the partner sends conversions (adplane)


class ConversionSaved(ResponseModel):
    """The answer of pixel/add and postback/add (IQM's plural counter names)."""

    id: int
    name: str
    status: str
    type: str
    created: int
    totalConversions: int  # noqa: N815 - wire name
    owId: int  # noqa: N815 - wire name
    createdByUowId: int | None  # noqa: N815 - wire name
    modifiedByUowId: int | None  # noqa: N815 - wire name
    uuid: str
    attributedConversions: int  # noqa: N815 - wire name
    attributedViewThroughConversions: int  # noqa: N815 - wire name
    attributedClickThroughConversions: int  # noqa: N815 - wire name
    pixelFinancialMetric: str | None  # noqa: N815 - wire name
    postbackPartnerLogoURL: str | None  # noqa: N815 - wire name
    partnerUrl: str | None  # noqa: N815 - wire name
    postbackPartnerName: str | None = None  # noqa: N815 - wire name (pixel/add)
    partnerName: str | None = None  # noqa: N815 - wire name (postback/add)
    pixelConversionScript: str | None = None  # noqa: N815 - wire name
    postbackUrl: str | None = None  # noqa: N815 - adplane


class ConversionListItem(ResponseModel):
    """A row of /api/v3/conversion/list (IQM's singular counter names)."""

    id: int
    name: str
    postbackPartnerName: str | None  # noqa: N815 - wire name
    status: str
    type: str
    created: int
    totalConversion: int  # noqa: N815 - wire name
    owId: int  # noqa: N815 - wire name
    createdByUowId: int | None  # noqa: N815 - wire name
    modifiedByUowId: int | None  # noqa: N815 - wire name
    uuid: str
    pixelConversionScript: str | None  # noqa: N815 - wire name
    attributedConversion: int  # noqa: N815 - wire name
    attributedViewThroughConversion: int  # noqa: N815 - wire name
    attributedClickThroughConversion: int  # noqa: N815 - wire name
    conversionValue: Number  # noqa: N815 - sum of the attributed conversions' values (adplane)
    pixelFinancialMetric: str | None  # noqa: N815 - wire name
    postbackPartnerLogoUrl: str | None  # noqa: N815 - wire name
    campaignCount: int  # noqa: N815 - wire name


class ConversionList(ResponseModel):
    data: list[ConversionListItem]
    totalRecords: int  # noqa: N815 - wire name
    filteredRecords: int  # noqa: N815 - wire name


class PixelUpdated(ResponseModel):
    id: int
    name: str
    piggybackData: PiggybackData | None = None  # noqa: N815 - wire name


class PostbackUpdated(ResponseModel):
    id: int
    name: str


class BasicConversion(ResponseModel):
    id: int
    name: str
    isROAS: bool  # noqa: N815 - wire name


class CmpConversion(ResponseModel):
    id: int
    name: str
    created: int
    status: str | None = None
    partnerName: str | None = None  # noqa: N815 - wire name
    logoUrl: str | None = None  # noqa: N815 - wire name


class CmpConversionList(ResponseModel):
    totalRecords: int  # noqa: N815 - wire name
    conversionData: list[CmpConversion]  # noqa: N815 - wire name
    filteredRecords: int  # noqa: N815 - wire name


class AssignResult(ResponseModel):
    conversionIdsList: int | list[int]  # noqa: N815 - one id as a number (the guide), several as a list
    validAddCampaignIdsList: list[int]  # noqa: N815 - wire name
    invalidAddCampaignIdsList: list[int]  # noqa: N815 - wire name
    validRemoveCampaignIdsList: list[int]  # noqa: N815 - wire name
    invalidRemoveCampaignIdsList: list[int]  # noqa: N815 - wire name


class AttachedCampaign(ResponseModel):
    campaignId: int  # noqa: N815 - wire name
    campaignName: str  # noqa: N815 - wire name
    creativeTypeId: int | None  # noqa: N815 - wire name
    status: str
    startTime: int | None  # noqa: N815 - epoch seconds, like campaigns
    endTime: int | None  # noqa: N815 - wire name
    ioId: int  # noqa: N815 - wire name
    ioName: str | None  # noqa: N815 - wire name
    ioStatusId: int | None  # noqa: N815 - wire name
    ioBudgetTypeId: int | None  # noqa: N815 - wire name


class AttachedCampaigns(V3[list[AttachedCampaign]]):
    """IQM puts the counts beside `data`, outside it."""

    totalRecords: int  # noqa: N815 - wire name
    filterRecords: int  # noqa: N815 - wire name


class AllowedCampaign(ResponseModel):
    id: int
    campaignId: int  # noqa: N815 - wire name
    name: str
    creativeTypeId: int | None  # noqa: N815 - wire name
    status: str
    startTime: int | None  # noqa: N815 - wire name
    endTime: int | None  # noqa: N815 - wire name
    createdAt: int | None  # noqa: N815 - wire name
    modifiedAt: int | None  # noqa: N815 - wire name
    owId: int  # noqa: N815 - wire name
    ioId: int  # noqa: N815 - wire name
    ioName: str | None  # noqa: N815 - wire name
    ioStatusId: int | None  # noqa: N815 - wire name
    timezoneId: int | None  # noqa: N815 - wire name
    campaignTypeId: int | None  # noqa: N815 - wire name
    ioBudgetTypeId: int | None  # noqa: N815 - wire name
    targetedAudienceIds: Any  # noqa: N815 - wire name
    prebidAudienceProviderId: Any  # noqa: N815 - wire name
    isAttached: bool | None = None  # noqa: N815 - attached to one of the given conversions (adplane)


class AllowedIoGroup(ResponseModel):
    ioId: int  # noqa: N815 - wire name
    ioName: str  # noqa: N815 - wire name
    ioBudgetTypeId: int | None  # noqa: N815 - wire name
    ioStatusId: int | None  # noqa: N815 - wire name
    created: int | None
    lastModified: int | None  # noqa: N815 - wire name
    owId: int  # noqa: N815 - wire name
    uowId: int | None  # noqa: N815 - wire name
    campaignCount: int  # noqa: N815 - wire name
    campaigns: list[AllowedCampaign]


class AllowedCampaignList(ResponseModel):
    totalRecords: int  # noqa: N815 - wire name
    ioCampaignsList: list[AllowedIoGroup]  # noqa: N815 - wire name
    filteredRecords: int  # noqa: N815 - wire name


class CustomFieldRow(ResponseModel):
    id: int
    pixelName: str  # noqa: N815 - wire name
    customFieldName: str  # noqa: N815 - wire name


class CustomFieldList(ResponseModel):
    totalRecords: int  # noqa: N815 - wire name
    filterRecords: int  # noqa: N815 - wire name
    customFieldData: list[CustomFieldRow]  # noqa: N815 - wire name


class HitRecorded(ResponseModel):
    """The answer of a postback: the hit's id and whether this call stored it (False: a repeat of the same
    transaction id, nothing written)."""

    hitId: int  # noqa: N815 - adplane
    recorded: bool
    counted: bool
