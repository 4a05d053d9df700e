"""Request bodies of the Bid Model API: IQM's two spellings of a bid-model change (the specification's
`bidModelRequests` and the guide's `actionWiseBidModelEntities`) are both accepted."""

from __future__ import annotations

from decimal import Decimal
from typing import Annotated, Any, Literal

from pydantic import Field

from adplane.core.schemas import MAX_DB_INT, DbId, WireModel

Multiplier = Annotated[Decimal, Field(ge=Decimal("0.1"), le=Decimal("100"), allow_inf_nan=False)]
Priority = Annotated[int, Field(ge=1, le=10)]
SpendRatio = Annotated[Decimal, Field(ge=0, le=100, allow_inf_nan=False)]
EntityId = Annotated[int, Field(ge=-MAX_DB_INT, le=MAX_DB_INT)]
BaseBid = Annotated[Decimal, Field(gt=0, le=Decimal("1000"), allow_inf_nan=False)]


class BidModelData(WireModel):
    id: DbId | None = None
    priority: Priority | None = None
    bid_multiplier: Multiplier | None = None
    spend_ratio: SpendRatio | None = None
    spend_ratio_type_id: Literal[1, 2] | None = None


class EntityMapping(WireModel):
    dimension_id: DbId | None = None
    entity_id: EntityId


class BidModelRequest(WireModel):
    action: Literal["ADD", "UPDATE", "DELETE"]
    bid_model_data: BidModelData | None = None
    dimension_entity_mappings: Annotated[list[EntityMapping], Field(max_length=10_000)] | None = None
    bid_model_data_ids: Annotated[list[DbId], Field(max_length=10_000)] | None = None


class ExcludeMapping(WireModel):
    dimension_id: DbId
    ids: Any = None
    is_excluded: Annotated[int, Field(ge=0, le=1)]


class EntityDetail(WireModel):
    """One entity of the guide's ADD/UPDATE lists."""

    entity_id: EntityId | None = None
    entity_type_id: Literal[1, 2, 3] | None = None
    bid_model_data_id: DbId | None = None
    bundle_id: DbId | None = None
    bundle_name: Annotated[str, Field(max_length=255)] | None = None
    entity_ids: Annotated[list[EntityId], Field(max_length=10_000)] | None = None
    priority: Priority | None = None
    bid_multiplier: Multiplier | None = None
    spend_ratio: SpendRatio | None = None
    spend_ratio_type_id: Literal[1, 2] | None = None


class EntityDetails(WireModel):
    bid_model_entity_details: Annotated[list[EntityDetail], Field(max_length=10_000)] = []


class DeleteDetails(WireModel):
    bid_model_data_id: Annotated[list[DbId], Field(max_length=10_000)] = []
    bundle_ids: Annotated[list[DbId], Field(max_length=10_000)] = []


class ActionWise(WireModel):
    add: EntityDetails | None = Field(default=None, alias="ADD")
    update: EntityDetails | None = Field(default=None, alias="UPDATE")
    delete: DeleteDetails | None = Field(default=None, alias="DELETE")


class InclusionMap(WireModel):
    include: Annotated[list[EntityId], Field(max_length=10_000)] = Field(default=[], alias="INCLUDE")
    exclude: Annotated[list[EntityId], Field(max_length=10_000)] = Field(default=[], alias="EXCLUDE")


class DimensionBidModels(WireModel):
    bid_model_requests: Annotated[list[BidModelRequest], Field(max_length=10_000)] | None = None
    action_wise_bid_model_entities: ActionWise | None = None
    exclude_dimension_entity_mappings: Annotated[list[ExcludeMapping], Field(max_length=100)] | None = None
    inclusion_exclusion_entity_map: InclusionMap | None = None
    base_bid: BaseBid | None = None


class IncludeExclude(WireModel):
    ids: Any = None
    is_excluded: Annotated[int, Field(ge=0, le=1)]


class ModelledEntitiesRequest(WireModel):
    start_date: Annotated[int, Field(ge=0, le=253_402_300_799_999)] | None = None
    end_date: Annotated[int, Field(ge=0, le=253_402_300_799_999)] | None = None
    timezone_id: DbId | None = None
    sort_by: Annotated[str, Field(max_length=100)] | None = None
    page_no: Annotated[int, Field(ge=1, le=1_000_000)] = 1
    search_field: Annotated[str, Field(max_length=255)] | None = None
    no_of_entries: Annotated[int, Field(ge=1, le=10_000)] = 10
    skip_reporting: bool = False


# ------------------------------------------------------------------ insertion-order and campaign-wide bodies

CampaignIds = Annotated[list[DbId], Field(max_length=10_000)]


class IoEntityMapping(WireModel):
    """A campaign (its priority within the IO) or a dimension's entity (a multiplier for the IO's campaigns;
    with `campaignId` too, for that campaign only)."""

    campaign_id: DbId | None = None
    dimension_id: DbId | None = None
    entity_id: EntityId | None = None


class IoBidModelRequest(WireModel):
    action: Literal["ADD", "UPDATE", "DELETE"]
    bid_model_data: BidModelData | None = None
    dimension_entity_mappings: Annotated[list[IoEntityMapping], Field(max_length=10_000)] | None = None
    bid_model_data_ids: Annotated[list[DbId], Field(max_length=10_000)] | None = None


class IoExcludeMapping(WireModel):
    campaign_id: DbId | None = None
    dimension_id: DbId
    ids: Any = None
    is_excluded: Annotated[int, Field(ge=0, le=1)] | bool


class IoBidModels(WireModel):
    """`PUT /api/v3/bm/io/{ioId}/bid-models`."""

    bid_model_requests: Annotated[list[IoBidModelRequest], Field(max_length=10_000)] | None = None
    base_bid: BaseBid | None = None
    exclude_dimension_entity_mappings: Annotated[list[IoExcludeMapping], Field(max_length=100)] | None = None


class IoPriorities(WireModel):
    """`POST`/`PATCH /api/v3/bm/io/{ioId}/bid-models`; IQM's example spells the list `campaignIdList`."""

    priority: Priority
    campaign_ids: CampaignIds | None = None
    campaign_id_list: CampaignIds | None = None


class CampaignModelling(WireModel):
    bid_model_data: BidModelData | None = None
    dimension_entity_mappings: Annotated[list[EntityMapping], Field(min_length=1, max_length=10_000)]


class CampaignBidModelling(WireModel):
    """`POST /api/v3/bm/campaigns/{campaignId}/bid-models`."""

    bid_modelling: Annotated[list[CampaignModelling], Field(min_length=1, max_length=10_000)]


class CampaignBidModelUpdate(WireModel):
    """`PATCH /api/v3/bm/campaigns/{campaignId}/bid-models`: each entry names its bid model data `id`."""

    bid_model_data: Annotated[list[BidModelData], Field(min_length=1, max_length=10_000)]


class ModelledEntityQuery(WireModel):
    """`POST /api/v3/bm/bid-models/dimension/entity`."""

    dimension_id: DbId
    entity_ids: Annotated[list[EntityId], Field(max_length=10_000)] = []
    include_campaign_info: bool = False
    group_id_based: bool = False
