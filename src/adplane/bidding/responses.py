"""Answer models of the Bid Model API (wire names); Pydantic only, the SDK imports it."""

from __future__ import annotations

from adplane.core.envelopes import Number, ResponseModel

# ruff: noqa: N815 - wire names


class SubDimension(ResponseModel):
    name: str
    id: int
    label: str
    order: int
    modellingEnabled: bool


class Dimension(SubDimension):
    subdimensions: list[SubDimension] | None = None


class Dimensions(ResponseModel):
    totalRecords: int
    filteredRecords: int
    dimensions: list[Dimension]


class EntitySpent(ResponseModel):
    entityWiseSpent: dict[str, Number]


class DimensionCount(ResponseModel):
    totalCount: int
    modelledCount: int
    modelledIds: list[int] | None


class ModelData(ResponseModel):
    id: int
    priority: int | None
    bidMultiplier: Number | None
    spendRatio: Number | None
    spendRatioTypeId: int | None


class EntityMetrics(ResponseModel):
    impressions: int
    bidImpressions: int
    winRate: Number
    eCPM: Number
    mediaSpent: Number
    spent: Number


class ModelledEntity(EntityMetrics):
    id: int | str
    name: str
    bidModelData: ModelData | None
    isExcluded: int
    modelled: bool
    targeted: bool
    spentDistribution: Number


class CampaignBidDetails(ResponseModel):
    baseBid: Number | None
    maxBid: Number | None
    currentPriority: int | None


class ModelledEntities(ResponseModel):
    total: EntityMetrics
    data: list[ModelledEntity]
    totalRecords: int
    filteredRecords: int
    campaignBidDetails: CampaignBidDetails


class EntityCampaigns(ResponseModel):
    entityId: int
    campaignIds: list[int]


class ModelledEntityData(ResponseModel):
    modelledEntityIds: list[int]
    modelledCampaignDetails: list[EntityCampaigns] | None = None


class MasterInventory(ResponseModel):
    id: int
    publisherId: int
    trafficType: str
    bundleDomain: str
    name: str


class MasterInventories(ResponseModel):
    data: list[MasterInventory]
    totalRecords: int
    filteredRecords: int
