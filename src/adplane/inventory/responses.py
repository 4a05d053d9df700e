"""Answer models of the Inventory API routes (field names are the wire names); Pydantic only, the SDK imports it."""

from __future__ import annotations

from adplane.core.envelopes import Number, ResponseModel

# ruff: noqa: N815 - wire names


class CreatedWithId(ResponseModel):
    id: int
    message: str


class PgCampaignSaved(ResponseModel):
    message: str
    campaignId: int


class DeletedDeals(ResponseModel):
    id: list[int]
    message: str


class PmpDeal(ResponseModel):
    id: int
    dealId: str
    dealName: str
    description: str | None
    cpm: Number | None
    dealCurationTypeId: int | None
    creativeTypes: list[str]
    exchanges: list[str]
    exchangeId: int
    active: bool
    shared: bool
    created: int
    assignedToCustomers: list[int]
    assignedToCampaigns: list[int]


class PmpDealList(ResponseModel):
    totalRecords: int
    filteredRecords: int
    filteredList: list[PmpDeal]


class PmpDealCounts(ResponseModel):
    All: int
    inActive: int
    inUse: int
    unUsed: int


class PgDeal(ResponseModel):
    id: int
    dealId: str
    dealName: str
    statusId: int
    description: str | None
    cpm: Number | None
    paymentTypeId: int | None
    exchangeId: int
    created: int
    activeCampaignIds: list[int]
    otherCampaignIds: list[int]
    deleteAllowed: bool


class PgDealList(ResponseModel):
    totalRecords: int
    filteredRecords: int
    pgDealData: list[PgDeal]


class DealSummary(ResponseModel):
    id: int
    dealId: str
    dealStatus: str
    dealName: str
    exchangeName: str
    dealType: str
    campaignCount: int


class DealList(ResponseModel):
    totalRecords: int
    filteredRecords: int
    dealList: list[DealSummary]


class DealType(ResponseModel):
    displayName: str
    name: str
    id: int
    order: int


class DealTypes(ResponseModel):
    totalRecords: int
    filteredRecords: int
    dealTypeList: list[DealType]


class DealStatus(ResponseModel):
    name: str
    id: int
    label: str
    order: int


class DealStatuses(ResponseModel):
    dealStatuses: list[DealStatus]
    totalRecords: int
    filteredRecords: int


class InventoryRow(ResponseModel):
    id: int
    name: str
    publisher: str
    appId: str
    inventoryType: str
    trafficTypeId: int | None = None
    impressions: int
    reach: int | None = None
    uniques: int | None = None
    spent: Number | None = None
    videoPercentage: Number
    displayPercentage: Number
    comment: str | None = None


class InventoryList(ResponseModel):
    inventoryDataList: list[InventoryRow]
    totalRecords: int
    filteredRecords: int


class BlockedInventoryList(ResponseModel):
    globalBlockedInventoryData: list[InventoryRow]
    totalRecords: int
    filteredRecords: int


class Distribution(ResponseModel):
    label: str
    value: Number
    id: int | None = None
    impressions: int | None = None


class InventoryCount(ResponseModel):
    totalCount: int
    impressions: int
    uniques: int


class GroupType(ResponseModel):
    name: str
    id: int
    order: int


class GroupTypes(ResponseModel):
    inventoryGroupTypeList: list[GroupType]
    totalRecords: int
    filteredRecords: int


class InventoryGroup(ResponseModel):
    groupTypeId: int
    created: int
    modifiedDate: str
    owId: int
    impressions: int
    isAccountLevelExcluded: bool
    campaignWhitelistCount: int
    campaignBlacklistCount: int
    whiteListedCampaignIds: list[int]
    blackListedCampaignIds: list[int]
    publishers: int
    sharedCount: int
    uniques: int
    reach: int
    inventories: int
    deals: int
    contextualInventories: int
    count: int
    id: int
    name: str
    isShared: bool


class InventoryGroupList(ResponseModel):
    totalRecords: int
    filteredRecords: int
    inventoryGroupList: list[InventoryGroup]


class GroupCampaign(ResponseModel):
    id: int
    name: str
    included: int
    excluded: int
    status: str
    created: int


class GroupCampaignList(ResponseModel):
    totalRecords: int
    filteredRecords: int
    data: list[GroupCampaign]


DealsByCampaign = dict[str, list[int]]


class GroupCount(ResponseModel):
    inventoryGroupsCount: int
