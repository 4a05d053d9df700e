"""Request bodies of the Inventory API (IQM's wire names); deal prices are CPM in USD."""

from __future__ import annotations

from decimal import Decimal
from typing import Annotated, Any, Literal

from pydantic import AliasChoices, Field

from adplane.core.schemas import MAX_DB_INT, DbId, WireModel

Cpm = Annotated[Decimal, Field(ge=0, le=Decimal("1000"), allow_inf_nan=False)]
Page = Annotated[int, Field(ge=1, le=1_000_000)]
PageSize = Annotated[int, Field(ge=1, le=10_000)]
# Inventory ids are references into the catalogue, which grows as delivery meets new apps and sites:
# IQM's own examples block id 0, so any non-negative id is accepted and stored.
InventoryId = Annotated[int, Field(ge=0, le=MAX_DB_INT)]
InventoryIds = Annotated[list[InventoryId], Field(max_length=10_000)]
IdList = Annotated[list[DbId], Field(max_length=10_000)]
Name = Annotated[str, Field(min_length=1, max_length=255)]
Search = Annotated[str, Field(max_length=255)]
ExcludedFlag = Annotated[int, Field(ge=0, le=1)]


class PmpDealCreate(WireModel):
    deal_id: str = Field(min_length=1, max_length=500)
    deal_name: Name
    description: str | None = Field(default=None, max_length=2000)
    cpm: Cpm | None = None
    deal_curation_type_id: DbId | None = None
    creative_types: IdList | None = None
    exchange_id: DbId
    assign_to_customers: IdList | None = None
    active: bool


class PmpDealUpdate(WireModel):
    deal_id: str | None = Field(default=None, min_length=1, max_length=500)
    deal_name: Name | None = None
    description: str | None = Field(default=None, max_length=2000)
    cpm: Cpm | None = None
    deal_curation_type_id: DbId | None = None
    creative_types: IdList | None = None
    exchange_id: DbId | None = None
    assign_to_customers: IdList | None = None
    active: bool | None = None


class PgDealCreate(WireModel):
    deal_id: str = Field(min_length=1, max_length=500)
    deal_name: Name
    exchange_id: DbId
    cpm: Cpm | None = None
    status_id: Literal[1, 2]
    description: str | None = Field(default=None, max_length=2000)
    payment_type_id: DbId | None = None


class PgDealUpdate(WireModel):
    deal_id: str | None = Field(default=None, min_length=1, max_length=500)
    deal_name: Name | None = None
    exchange_id: DbId | None = None
    cpm: Cpm | None = None
    status_id: Literal[1, 2] | None = None
    description: str | None = Field(default=None, max_length=2000)
    payment_type_id: DbId | None = None


class PmpDealListRequest(WireModel):
    group_id: DbId | None = None
    active: bool | None = None
    search_keywords: Annotated[list[Search], Field(max_length=100)] | None = None
    creative_types: IdList | None = None
    exchanges: IdList | None = None
    ids: IdList | None = None
    deal_statuses: list[Literal["inUse", "unUsed", "inActive"]] | None = None
    ow_ids: IdList | None = None
    page_no: Page = 1
    no_of_entries: PageSize = 50
    sort_by: str | None = Field(default=None, max_length=100)


class DealFilter(WireModel):
    pg: IdList | None = Field(default=None, alias="PG")
    pmp: IdList | None = Field(default=None, alias="PMP")


class DealListRequest(WireModel):
    deal: DealFilter | None = None
    ow_ids: IdList | None = None
    deal_status: list[Literal["Active", "Inactive"]] | None = None
    search_field: Search | None = None
    search_by: list[Literal["dealId", "dealName", "exchangeName"]] | None = None
    page_no: Page = 1
    no_of_entries: PageSize = 50
    sort_by: str | None = Field(default=None, max_length=100)


class BlockRequest(WireModel):
    inventory_ids: InventoryIds | None = None
    search_field: Search | None = None


class CommentRequest(WireModel):
    inventory_id: Annotated[int, Field(ge=1, le=MAX_DB_INT)]
    comment: str = Field(min_length=1, max_length=1000)


class CampaignInventoryTargeting(WireModel):
    campaign_id: DbId
    ids: Any = None  # "1,2,3" (IQM) or a list; parsed with rules.parse_ids
    is_excluded: ExcludedFlag


class GroupCampaignTargeting(WireModel):
    campaign_ids: Any = None  # "172813,177146"
    is_excluded: ExcludedFlag


class DealMappingOperation(WireModel):
    action: Literal["assign", "deassign"]
    campaign_ids: IdList
    pmp_deal_ids: IdList | None = None
    pg_deal_ids: IdList | None = None


class DealMappings(WireModel):
    operations: Annotated[list[DealMappingOperation], Field(min_length=1, max_length=1000)]


class GroupCreate(WireModel):
    group_name: Name
    group_type_id: Literal[1, 2, 3, 4]
    inventory_ids: InventoryIds | None = None
    deal_ids: IdList | None = None
    contextual_keywords: Annotated[list[Search], Field(max_length=1000)] | None = None
    contextual_urls: Annotated[list[Annotated[str, Field(max_length=1000)]], Field(max_length=1000)] | None = None


class GroupUpdate(WireModel):
    group_name: Name


class GroupBulkDelete(WireModel):
    group_ids: Annotated[list[DbId], Field(min_length=1, max_length=10_000)]


class GroupMappings(WireModel):
    """Add/remove members of groups (v3: by `groupTypeId`; v2: `inventoryTypeId` 1 inventories, 2 deals)."""

    group_ids: Annotated[list[DbId], Field(min_length=1, max_length=1000)]
    group_type_id: Literal[1, 2, 3, 4] | None = None
    inventory_type_id: Literal[1, 2] | None = None
    inventory_ids: InventoryIds | None = None
    bunch_ids: InventoryIds | None = None
    deal_ids: IdList | None = None
    contextual_keywords: Annotated[list[Search], Field(max_length=1000)] | None = None
    contextual_urls: Annotated[list[Annotated[str, Field(max_length=1000)]], Field(max_length=1000)] | None = None
    is_all_inventories: bool | None = None


# ----------------------------------------------------------------------------------------- PG campaigns

Money = Annotated[Decimal, Field(ge=0, le=Decimal("10000000000"), allow_inf_nan=False)]
EpochSeconds = Annotated[int, Field(ge=0, le=32_503_680_000)]
# IQM's examples send id lists as text ("[644506]", "[30,12]"); its schema and guide as arrays of numbers
IdsText = Annotated[str, Field(max_length=100_000)] | Annotated[list[int], Field(max_length=5000)] | int


class PgCampaignInfo(WireModel):
    """`pgCampaignInfo` (also spelled `pgCampaignInfoVO`): the campaign itself. Times are epoch seconds (the
    specification's description and every example; the guide's prose says milliseconds)."""

    campaign_name: str | None = Field(default=None, max_length=255)
    io_id: DbId | None = None
    time_zone_id: DbId | None = None
    total_impressions: Annotated[int, Field(ge=0, le=9_000_000_000_000)] | None = None
    budget_total: Money | None = None
    spending_budget: Money | None = None
    total_budget: Money | None = None
    max_bid: Money | None = None
    start_time: EpochSeconds | None = None
    end_time: EpochSeconds | None = None
    budget_type_id: DbId | None = None
    campaign_type_id: DbId | None = None
    advertiser_domain: str | None = Field(default=None, max_length=1000)
    advertiser_type: str | None = Field(default=None, max_length=50)
    creative_type_id: DbId | None = None
    pg_fees_percentage: Annotated[Decimal, Field(ge=0, le=100, allow_inf_nan=False)] | None = None


class PgCreativeTargeting(WireModel):
    creative_type_id: DbId | None = None
    creative_ids: IdsText | None = None


class PgInventoryTargeting(WireModel):
    pg_deal_ids: IdsText | None = None
    payment_type_id: DbId | None = None


class PgConversionTargeting(WireModel):
    conversion_type_id: Annotated[int, Field(ge=0, le=1000)] | None = None
    conversion_ids: IdsText | None = None


class PgCampaignBody(WireModel):
    """`POST /api/v3/cmp/pg/campaigns/add|draft/add` and `PATCH /api/v3/cmp/pg/campaigns/{id}|draft/{id}`."""

    pg_campaign_info: PgCampaignInfo | None = Field(
        default=None, validation_alias=AliasChoices("pgCampaignInfo", "pgCampaignInfoVO"))
    creative_targeting: PgCreativeTargeting | None = None
    inventory_targeting: PgInventoryTargeting | None = None
    conversion_targeting: PgConversionTargeting | None = None
    political_advertiser_client_id: Annotated[int, Field(ge=0, le=MAX_DB_INT)] | None = None
    country_id: DbId | None = None
    campaign_id: DbId | None = None  # PATCH: the path's campaign
