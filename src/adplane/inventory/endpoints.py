"""Inventory API (IQM's `inv/*` and the campaign-side `cmp/pmp`, `cmp/pg`, inventory-group targeting):
deals, block lists, inventory groups and the inventory catalogue."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query

from adplane.analytics.deps import AnalyticsDep
from adplane.auth.deps import PrincipalDep
from adplane.core.deps import IdPath, SessionDep
from adplane.core.envelopes import V2, V3, Message, v2, v3
from adplane.core.listing import parse_ids
from adplane.inventory import pg_campaigns, service
from adplane.inventory.models import DEAL_KIND_PG, DEAL_KIND_PMP
from adplane.inventory.responses import (
    BlockedInventoryList,
    CreatedWithId,
    DealList,
    DealsByCampaign,
    DealStatuses,
    DealTypes,
    DeletedDeals,
    GroupCampaignList,
    GroupCount,
    GroupTypes,
    InventoryCount,
    InventoryGroup,
    InventoryGroupList,
    InventoryList,
    PgCampaignSaved,
    PgDeal,
    PgDealList,
    PmpDeal,
    PmpDealCounts,
    PmpDealList,
)
from adplane.inventory.schemas import (
    BlockRequest,
    CampaignInventoryTargeting,
    CommentRequest,
    DealListRequest,
    DealMappings,
    GroupBulkDelete,
    GroupCampaignTargeting,
    GroupCreate,
    GroupMappings,
    GroupUpdate,
    PgCampaignBody,
    PgDealCreate,
    PgDealUpdate,
    PmpDealCreate,
    PmpDealListRequest,
    PmpDealUpdate,
)

router = APIRouter(tags=["Inventory"])

PageNo = Annotated[int, Query(ge=1, le=1_000_000)]
PageSize = Annotated[int, Query(ge=1, le=10_000)]
Text = Annotated[str | None, Query(max_length=2000)]
IdsText = Annotated[str | None, Query(max_length=100_000)]


# ----------------------------------------------------------------------------------- deal lists

@router.get("/api/v3/inv/static/deal-types", response_model=V3[DealTypes])
def deal_types(principal: PrincipalDep) -> dict:
    return v3({"totalRecords": 2, "filteredRecords": 2, "dealTypeList": service.DEAL_TYPES})


@router.get("/api/v3/inv/static/deal-status", response_model=V3[DealStatuses])
def deal_statuses(principal: PrincipalDep) -> dict:
    return v3({"dealStatuses": service.DEAL_STATUSES, "totalRecords": 2, "filteredRecords": 2})


@router.post("/api/v3/inv/deals/list", response_model=V3[DealList])
def all_deals(body: DealListRequest, principal: PrincipalDep, session: SessionDep) -> dict:
    return v3(service.list_all_deals(session, principal, body))


# ------------------------------------------------------------------------------------ PMP deals

@router.post("/api/v3/inv/pmp/deals/list", response_model=V3[PmpDealList])
def pmp_deals(body: PmpDealListRequest, principal: PrincipalDep, session: SessionDep) -> dict:
    return v3(service.list_pmp_deals(session, principal, body))


@router.get("/api/v3/inv/pmp/deals/count-by-status", response_model=V3[PmpDealCounts])
def pmp_counts(principal: PrincipalDep, session: SessionDep) -> dict:
    return v3(service.pmp_counts(session, principal))


@router.get("/api/v3/inv/pmp/deals/{deal_id}/associated-customers", response_model=V3[list[int]])
def pmp_customers(deal_id: IdPath, principal: PrincipalDep, session: SessionDep) -> dict:
    service.get_deal(session, principal.ow_id, deal_id, DEAL_KIND_PMP)
    return v3([principal.ow_id])


@router.get("/api/v3/inv/pmp/deals/{deal_id}", response_model=V3[PmpDeal])
def pmp_deal(deal_id: IdPath, principal: PrincipalDep, session: SessionDep) -> dict:
    return v3(service.deal_wire(session, principal, deal_id, DEAL_KIND_PMP))


@router.post("/api/v3/inv/pmp/deals/add", response_model=V3[CreatedWithId])
def add_pmp_deal(body: PmpDealCreate, principal: PrincipalDep, session: SessionDep) -> dict:
    deal = service.create_pmp_deal(session, principal, body)
    return v3({"id": deal.id, "message": f"{deal.name} created successfully"})


@router.patch("/api/v3/inv/pmp/deals/{deal_id}", response_model=V3[CreatedWithId])
def update_pmp_deal(deal_id: IdPath, body: PmpDealUpdate, principal: PrincipalDep, session: SessionDep) -> dict:
    deal = service.update_pmp_deal(session, principal, deal_id, body)
    return v3({"id": deal.id, "message": f"{deal.name} updated successfully"})


@router.delete("/api/v3/inv/pmp/deals", response_model=V3[DeletedDeals])
def delete_pmp_deals(principal: PrincipalDep, session: SessionDep, ids: IdsText = None) -> dict:
    deleted = service.delete_deals(session, principal, ids, DEAL_KIND_PMP)
    return v3({"id": deleted, "message": "Deal/s deleted successfully"})


# ------------------------------------------------------------------------------------- PG deals

@router.get("/api/v3/inv/pg/deals/list", response_model=V3[PgDealList])
def pg_deals(
    principal: PrincipalDep, session: SessionDep, searchField: Text = None,  # wire names
    noOfEntries: PageSize = 20, pageNo: PageNo = 1, sortBy: Text = None,
    ids: IdsText = None, paymentTypeIds: IdsText = None, statusIds: IdsText = None,
    exchangeIds: IdsText = None,
) -> dict:
    query = service.PgListQuery(
        search_field=searchField, no_of_entries=noOfEntries, page_no=pageNo, sort_by=sortBy,
        ids=parse_ids(ids, "ids"), payment_type_ids=parse_ids(paymentTypeIds, "paymentTypeIds"),
        status_ids=parse_ids(statusIds, "statusIds"), exchange_ids=parse_ids(exchangeIds, "exchangeIds"))
    return v3(service.list_pg_deals(session, principal, query))


@router.get("/api/v3/inv/pg/deals/{deal_id}", response_model=V3[PgDeal])
def pg_deal(deal_id: IdPath, principal: PrincipalDep, session: SessionDep) -> dict:
    return v3(service.deal_wire(session, principal, deal_id, DEAL_KIND_PG))


@router.post("/api/v3/inv/pg/deals/add", response_model=V3[CreatedWithId])
def add_pg_deal(body: PgDealCreate, principal: PrincipalDep, session: SessionDep) -> dict:
    deal = service.create_pg_deal(session, principal, body)
    return v3({"message": f"Deal {deal.name} created successfully", "id": deal.id})


@router.patch("/api/v3/inv/pg/deals/{deal_id}", response_model=V3[str])
def update_pg_deal(deal_id: IdPath, body: PgDealUpdate, principal: PrincipalDep, session: SessionDep) -> dict:
    service.update_pg_deal(session, principal, deal_id, body)
    return v3("PG deal updated successfully")


@router.delete("/api/v3/inv/pg/deals", response_model=V3[str])
def delete_pg_deals(principal: PrincipalDep, session: SessionDep, ids: IdsText = None) -> dict:
    service.delete_deals(session, principal, ids, DEAL_KIND_PG)
    return v3("PG Deal deleted successfully")


# ------------------------------------------------------------------------ campaign-side deals

@router.patch("/api/v3/cmp/pmp/campaigns/mappings", response_model=V3[str])
def pmp_mappings(body: DealMappings, principal: PrincipalDep, session: SessionDep) -> dict:
    service.map_deals(session, principal, body, DEAL_KIND_PMP)
    return v3("PMP deal campaign mappings updated successfully")


@router.patch("/api/v3/cmp/pg/campaigns/mappings", response_model=V3[str])
def pg_mappings(body: DealMappings, principal: PrincipalDep, session: SessionDep) -> dict:
    service.map_deals(session, principal, body, DEAL_KIND_PG)
    return v3("PG deal campaign mappings updated successfully")


# PG campaigns (after the mappings route: "mappings" is not a campaign id)

@router.post("/api/v3/cmp/pg/campaigns/add", response_model=V3[PgCampaignSaved])
def add_pg_campaign(body: PgCampaignBody, principal: PrincipalDep, session: SessionDep) -> dict:
    campaign = pg_campaigns.create(session, principal, body, draft=False)
    return v3({"message": "PG Campaign Created successfully", "campaignId": campaign.id})


@router.post("/api/v3/cmp/pg/campaigns/draft/add", response_model=V3[PgCampaignSaved])
def add_pg_draft(body: PgCampaignBody, principal: PrincipalDep, session: SessionDep) -> dict:
    campaign = pg_campaigns.create(session, principal, body, draft=True)
    return v3({"message": "PG Campaign Created successfully", "campaignId": campaign.id})


@router.patch("/api/v3/cmp/pg/campaigns/draft/{campaign_id}", response_model=V3[PgCampaignSaved])
def edit_pg_draft(campaign_id: IdPath, body: PgCampaignBody, principal: PrincipalDep, session: SessionDep) -> dict:
    campaign = pg_campaigns.update(session, principal, campaign_id, body, keep_draft=True)
    return v3({"message": "PG Campaign Updated successfully", "campaignId": campaign.id})


@router.patch("/api/v3/cmp/pg/campaigns/{campaign_id}", response_model=V3[PgCampaignSaved])
def edit_pg_campaign(campaign_id: IdPath, body: PgCampaignBody, principal: PrincipalDep,
                     session: SessionDep) -> dict:
    campaign = pg_campaigns.update(session, principal, campaign_id, body, keep_draft=False)
    return v3({"message": "PG Campaign Updated successfully", "campaignId": campaign.id})


@router.get("/api/v3/cmp/campaigns/{campaign_type_id}/deals", response_model=V3[DealsByCampaign])
def campaign_deals(campaign_type_id: IdPath, principal: PrincipalDep, session: SessionDep) -> dict:
    return v3(service.deals_by_campaign(session, principal, campaign_type_id))


# ------------------------------------------------------------------------------------ catalogue

@router.get("/api/v3/inv/inventories/list", response_model=V3[InventoryList])
def inventories(
    principal: PrincipalDep, session: SessionDep, store: AnalyticsDep, keywords: Text = None,
    trafficTypes: IdsText = None, noOfEntries: PageSize = 50, pageNo: PageNo = 1,  # wire names
    groupId: Annotated[int | None, Query(ge=1, le=2_147_483_647)] = None,
) -> dict:
    return v3(service.catalogue_list(session, principal, store, keywords=keywords,
                                     traffic_types=parse_ids(trafficTypes, "trafficTypes"), group_id=groupId,
                                     page_no=pageNo, no_of_entries=noOfEntries))


@router.get("/api/v3/inv/inventories/count", response_model=V3[InventoryCount])
def inventories_count(
    principal: PrincipalDep, session: SessionDep, store: AnalyticsDep, keywords: Text = None,
    trafficTypes: IdsText = None,  # wire name
    groupId: Annotated[int | None, Query(ge=1, le=2_147_483_647)] = None,
) -> dict:
    rows = service.catalogue_rows(session, principal, store, keywords=keywords,
                                  traffic_types=parse_ids(trafficTypes, "trafficTypes"), group_id=groupId)
    return v3({"totalCount": len(rows), "impressions": sum(r["impressions"] for r in rows), "uniques": 0})


# ------------------------------------------------------------------------ block lists, targeting

@router.post("/api/v3/inv/inventories/block", response_model=V3[str])
def block(body: BlockRequest, principal: PrincipalDep, session: SessionDep, store: AnalyticsDep) -> dict:
    service.block(session, principal, body, store)
    return v3("Inventories blocked successfully.")


@router.post("/api/v3/inv/inventories/unblock", response_model=V3[str])
def unblock(body: BlockRequest, principal: PrincipalDep, session: SessionDep) -> dict:
    service.unblock(session, principal, body)
    return v3("Inventories unblocked successfully.")


@router.post("/api/v3/inv/comment/add", response_model=V3[str])
def add_comment(body: CommentRequest, principal: PrincipalDep, session: SessionDep) -> dict:
    service.add_comment(session, principal, body.inventory_id, body.comment)
    return v3("Comment added successfully.")


@router.get("/api/v3/inv/blocked-inventories", response_model=V3[BlockedInventoryList])
def blocked_inventories(
    principal: PrincipalDep, session: SessionDep, store: AnalyticsDep, searchField: Text = None,
    inventoryIds: IdsText = None, noOfEntries: PageSize = 200, pageNo: PageNo = 1,
) -> dict:
    return v3(service.blocked_list(session, principal, store, search=searchField,
                                   ids=parse_ids(inventoryIds, "inventoryIds"), page_no=pageNo,
                                   no_of_entries=noOfEntries))


@router.post("/api/v2/inv/inventories/includeExclude", response_model=V2[Message])
def campaign_inventories(body: CampaignInventoryTargeting, principal: PrincipalDep, session: SessionDep) -> dict:
    service.target_inventories(session, principal, body.campaign_id, body.ids, bool(body.is_excluded))
    return v2({"message": "Inventories Excluded." if body.is_excluded else "Inventories Included."})


# --------------------------------------------------------------------------------------- groups

@router.get("/api/v3/inv/inventory-group-types", response_model=V3[GroupTypes])
def group_types(principal: PrincipalDep) -> dict:
    rows = [{"name": name, "id": gid, "order": order} for name, gid, order in service.GROUP_TYPES]
    return v3({"inventoryGroupTypeList": rows, "totalRecords": len(rows), "filteredRecords": len(rows)})


@router.post("/api/v3/inv/groups", response_model=V3[InventoryGroup])
def create_group(body: GroupCreate, principal: PrincipalDep, session: SessionDep, store: AnalyticsDep) -> dict:
    group = service.create_group(session, principal, body)
    return v3(service.groups_to_wire(session, [group], store, principal.ow_id)[0])


@router.get("/api/v3/inv/groups/list", response_model=V3[InventoryGroupList])
def list_groups(
    principal: PrincipalDep, session: SessionDep, store: AnalyticsDep,
    groupFilterId: Annotated[int, Query(ge=0, le=2)] = 0,  # wire names
    groupTypeIds: IdsText = None, ids: IdsText = None,
    provideAccountLevelExcludedGroup: bool = False, includeStatistics: bool = True,
    excludeEmptyGroups: bool = False, searchField: Text = None,
    pageSize: Annotated[int | None, Query(ge=1, le=10_000)] = None,
    pageNo: PageNo = 1, owId: Annotated[int | None, Query(ge=1)] = None, sortBy: Text = None,
) -> dict:
    if owId is not None and owId != principal.ow_id:
        return v3({"totalRecords": 0, "filteredRecords": 0, "inventoryGroupList": []})
    own = groupFilterId != 1  # nothing is shared by an admin: "shared by admin" is empty
    result = service.list_groups(
        session, principal, store, type_ids=parse_ids(groupTypeIds, "groupTypeIds"), ids=parse_ids(ids, "ids"),
        search=searchField, exclude_empty=excludeEmptyGroups, page_no=pageNo, page_size=pageSize, sort_by=sortBy)
    if not own:
        result.update(filteredRecords=0, inventoryGroupList=[])
    return v3(result)


@router.get("/api/v3/inv/groups/count", response_model=V3[GroupCount])
def count_groups(principal: PrincipalDep, session: SessionDep, groupTypeIds: IdsText = None) -> dict:
    type_ids = parse_ids(groupTypeIds, "groupTypeIds")
    groups = [g for g in service.repository.groups(session, principal.ow_id)
              if not type_ids or g.group_type_id in type_ids]
    return v3({"inventoryGroupsCount": len(groups)})


@router.patch("/api/v3/inv/groups/{group_id}", response_model=V3[InventoryGroup])
def rename_group(group_id: IdPath, body: GroupUpdate, principal: PrincipalDep, session: SessionDep,
                 store: AnalyticsDep) -> dict:
    group = service.rename_group(session, principal, group_id, body.group_name)
    return v3(service.groups_to_wire(session, [group], store, principal.ow_id)[0])


@router.delete("/api/v3/inv/groups/{group_id}", response_model=V3[str])
def delete_group(group_id: IdPath, principal: PrincipalDep, session: SessionDep) -> dict:
    service.delete_groups(session, principal, [group_id])
    return v3("Inventory group deleted successfully.")


@router.post("/api/v3/inv/groups/delete", response_model=V3[str])
def delete_groups(body: GroupBulkDelete, principal: PrincipalDep, session: SessionDep) -> dict:
    count = service.delete_groups(session, principal, list(dict.fromkeys(body.group_ids)))
    return v3(f"{count} inventory group(s) deleted successfully.")


@router.post("/api/v3/inv/group/addMappings", response_model=V3[list[InventoryGroup]])
def add_mappings(body: GroupMappings, principal: PrincipalDep, session: SessionDep, store: AnalyticsDep) -> dict:
    groups = service.change_mappings(session, principal, body, add=True)
    return v3(service.groups_to_wire(session, groups, store, principal.ow_id))


@router.post("/api/v3/inv/group/removeMappings", response_model=V3[list[InventoryGroup]])
def remove_mappings(body: GroupMappings, principal: PrincipalDep, session: SessionDep, store: AnalyticsDep) -> dict:
    groups = service.change_mappings(session, principal, body, add=False)
    return v3(service.groups_to_wire(session, groups, store, principal.ow_id))


@router.post("/api/v2/inv/group/addMappings", response_model=V2[list[InventoryGroup]])
def add_mappings_v2(body: GroupMappings, principal: PrincipalDep, session: SessionDep, store: AnalyticsDep) -> dict:
    groups = service.change_mappings(session, principal, body, add=True)
    return v2(service.groups_to_wire(session, groups, store, principal.ow_id))


@router.get("/api/v3/inv/group/{group_id}/pmp-deals", response_model=V3[PmpDealList])
def group_pmp_deals(group_id: IdPath, principal: PrincipalDep, session: SessionDep) -> dict:
    return v3(service.group_pmp_deals(session, principal, group_id))


@router.post("/api/v2/cmp/inventorygroup/{group_id}/includeExclude", response_model=V2[Message])
def target_group(group_id: IdPath, body: GroupCampaignTargeting, principal: PrincipalDep,
                 session: SessionDep) -> dict:
    service.target_group(session, principal, group_id, body.campaign_ids, bool(body.is_excluded))
    verb = "excluded" if body.is_excluded else "included"
    return v2({"message": f"Inventory Group {verb} successfully."})


@router.get("/api/v2/cmp/campaign/listByInventorygroup/{group_id}", response_model=V2[GroupCampaignList])
def campaigns_by_group(
    group_id: IdPath, principal: PrincipalDep, session: SessionDep, searchField: Text = None,
    noOfEntries: PageSize = 10, pageNo: PageNo = 1,
    provideOnlyTargetedCampaigns: Annotated[int, Query(ge=0, le=1)] = 0,
) -> dict:
    return v2(service.campaigns_by_group(session, principal, group_id, search=searchField,
                                         only_targeted=bool(provideOnlyTargetedCampaigns), page_no=pageNo,
                                         no_of_entries=noOfEntries))
