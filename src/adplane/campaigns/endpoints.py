"""Campaign API (seeds 003/004): create, read, edit, bulk updates, status changes, lists, counts."""

from __future__ import annotations

from decimal import Decimal
from typing import Annotated

from fastapi import APIRouter, Query
from fastapi.responses import JSONResponse
from sqlalchemy.orm import Session

from adplane.analytics.deps import AnalyticsDep
from adplane.auth.deps import PrincipalDep
from adplane.campaigns import bulk, duplicate, hooks, queries, service, status
from adplane.campaigns.budget_info import budget_info
from adplane.campaigns.delivery import totals_for
from adplane.campaigns.models import Campaign
from adplane.campaigns.responses import (
    BulkStatusUpdate,
    BulkUpdate,
    CampaignBudgetInfo,
    CampaignDetail,
    CampaignGroup,
    CampaignList,
    CampaignSaved,
    CampaignsData,
    CampaignStart,
    DuplicatedCampaigns,
    StatusCount,
)
from adplane.campaigns.schemas import (
    CampaignBody,
    CountRequest,
    DuplicateCampaigns,
    UpdateBudget,
    UpdateEndDate,
    UpdateName,
    UpdateStatus,
)
from adplane.campaigns.wire import campaign_detail, list_item, list_query, owners, pricing_model
from adplane.core.clock import to_epoch_s, utcnow
from adplane.core.deps import LOOP_READ_MAX_ROWS, DatabaseDep, IdPath, SessionDep, run_read
from adplane.core.envelopes import V2, V3, Message, v2, v3
from adplane.core.errors import ValidationFailed
from adplane.core.listing import count, fetch_counted_page, fetch_page, ids_first, page_offset, parse_ids, parse_sort
from adplane.insertion_orders.service import get_io

router = APIRouter(tags=["Campaigns"])

PageNo = Annotated[int, Query(ge=1, le=1_000_000)]
PageSize = Annotated[int, Query(ge=1, le=10_000)]
Text = Annotated[str | None, Query(max_length=2000)]


def _saved(campaign_id: int, campaign_status: str) -> JSONResponse:
    body = v2({"data": campaign_id, "message": "Campaign saved successfully.", "status": campaign_status}, 201)
    return JSONResponse(body, status_code=200)


@router.post("/api/v2/cmp/campaigns/add", response_model=V2[CampaignSaved])
def add_campaign(body: CampaignBody, principal: PrincipalDep, session: SessionDep) -> JSONResponse:
    campaign = service.create_campaign(session, principal, body, draft=False)
    return _saved(campaign.id, campaign.status)


@router.post("/api/v2/cmp/campaigns/draft/add", response_model=V2[CampaignSaved])
def add_draft(body: CampaignBody, principal: PrincipalDep, session: SessionDep) -> JSONResponse:
    campaign = service.create_campaign(session, principal, body, draft=True)
    return _saved(campaign.id, campaign.status)


@router.get("/api/v2/cmp/campaign/budgetInfo", response_model=V2[CampaignBudgetInfo])
def campaign_budget_info(
    principal: PrincipalDep, session: SessionDep, store: AnalyticsDep,
    startTime: Annotated[int | None, Query(ge=0, le=32_503_680_000)] = None,  # wire name
    endTime: Annotated[int | None, Query(ge=0, le=32_503_680_000)] = None,
    timezone: Annotated[int | None, Query(ge=1, le=2_147_483_647)] = None,
    budgetTotal: Annotated[Decimal | None, Query(ge=0, le=10_000_000_000)] = None,
    dailyBudget: Annotated[Decimal | None, Query(ge=0, le=10_000_000_000)] = None,
    fixedDailyBudget: bool = False,
    campaignId: Annotated[int | None, Query(ge=1, le=2_147_483_647)] = None,
) -> dict:
    if campaignId is not None:
        service.get_campaign(session, principal.ow_id, campaignId)
    return v2(budget_info(budget_total=budgetTotal, daily_budget=dailyBudget, fixed_daily_budget=fixedDailyBudget,
                          start_s=startTime, end_s=endTime, timezone_id=timezone, campaign_id=campaignId,
                          store=store, now=utcnow()))


@router.get("/api/v2/cmp/campaign/start", response_model=V2[CampaignStart])
def campaign_start(principal: PrincipalDep, session: SessionDep) -> dict:
    """The earliest start time among the organization's campaigns (null when it has none)."""
    return v2({"start_time": queries.earliest_start(session, principal)})


@router.get("/api/v2/cmp/campaign/{campaign_id}", response_model=V2[CampaignDetail])
def get_campaign(campaign_id: IdPath, principal: PrincipalDep, session: SessionDep, store: AnalyticsDep,
                 isSpentRequired: bool = False) -> dict:  # wire name
    campaign = service.get_campaign(session, principal.ow_id, campaign_id)
    io = get_io(session, principal.ow_id, campaign.io_id, include_deleted=True)
    creatives = service.creative_ids_by_campaign(session, [campaign.id])[campaign.id]
    spent = totals_for(store, [campaign.id])[campaign.id].spend if isSpentRequired else None
    owner = owners(session, [campaign])[campaign.id]
    return v2({**campaign_detail(campaign, io, creatives, owner, principal, spent),
               **hooks.extra_detail(session, campaign)})


@router.patch("/api/v2/cmp/campaign/{campaign_id}", response_model=V2[CampaignSaved])
def patch_campaign(campaign_id: IdPath, body: CampaignBody, principal: PrincipalDep,
                   session: SessionDep) -> dict:
    campaign = service.patch_campaign(session, principal, campaign_id, body)
    return v2({"data": campaign.id, "message": "Campaign updated successfully.", "status": campaign.status})


@router.put("/api/v2/cmp/campaign/draft/{campaign_id}", response_model=V2[CampaignSaved])
def update_draft(campaign_id: IdPath, body: CampaignBody, principal: PrincipalDep, session: SessionDep) -> dict:
    campaign = service.patch_campaign(session, principal, campaign_id, body, keep_draft=True)
    return v2({"data": campaign.id, "message": "Campaign updated successfully.", "status": campaign.status})


@router.patch("/api/v3/cmp/campaign/update-name/{campaign_id}", response_model=V3[Message])
def update_name(campaign_id: IdPath, body: UpdateName, principal: PrincipalDep, session: SessionDep) -> dict:
    service.rename(session, principal, campaign_id, body.campaign_name)
    return v3({"message": "campaignName updated successfully"})


@router.put("/api/v2/cmp/campaigns/update-end-date", response_model=V2[BulkUpdate])
def update_end_date(body: UpdateEndDate, principal: PrincipalDep, session: SessionDep) -> dict:
    outcome = bulk.update_end_dates(session, principal, body.campaign_ids, body.end_date)
    answer: dict = {"status": outcome.ok}
    if not outcome.ok:
        answer.update(reason=outcome.reason, modified_data=outcome.modified)
    return v2(answer)


def _update_budget(body: UpdateBudget, principal: PrincipalDep, session: SessionDep, store: AnalyticsDep) -> dict:
    ids = parse_ids(body.campaign_ids, "campaignIds", required=True)
    spent = {cid: t.spend for cid, t in totals_for(store, ids).items()}
    outcome = bulk.update_budgets(session, principal, ids, max_bid=body.max_bid, total=body.total_budget,
                                  daily=body.daily_budget, update_type=body.total_budget_update_type, spent=spent)
    return v2({"reason": outcome.reason, "modified_data": outcome.modified, "status": outcome.ok})


# seed 004 spells it update_budget, the specification update-budget: both are served
router.add_api_route("/api/v2/cmp/campaigns/update_budget", _update_budget, methods=["PUT"],
                     operation_id="updateCampaignBudgetsSeedSpelling", response_model=V2[BulkUpdate])
router.add_api_route("/api/v2/cmp/campaigns/update-budget", _update_budget, methods=["PUT"],
                     operation_id="updateCampaignBudgets", response_model=V2[BulkUpdate])


@router.put("/api/v2/cmp/campaigns/update-status", response_model=V2[BulkStatusUpdate])
def update_status(body: UpdateStatus, principal: PrincipalDep, session: SessionDep) -> dict:
    outcome = status.update_statuses(session, principal, body.campaign_ids, body.status, body.rejection_reason)
    return v2({"status": outcome.ok, "reason": outcome.reason, "modified_data": outcome.modified})


@router.post("/api/v2/cmp/campaigns/duplicate", response_model=V2[DuplicatedCampaigns])
def duplicate_campaigns(body: DuplicateCampaigns, principal: PrincipalDep, session: SessionDep) -> dict:
    ids = duplicate.duplicate_campaigns(session, principal, body)
    return v2({"duplicatedCampaignIds": ids, "status": True})


@router.post("/api/v3/cmp/campaigns/count", response_model=V3[list[StatusCount]])
def count_v3(body: CountRequest, principal: PrincipalDep, session: SessionDep) -> dict:
    stmt = queries.count_query(principal, ow_ids=body.ow_ids, io_ids=body.io_ids,
                               campaign_type_ids=body.campaign_type_ids, creative_type_ids=body.creative_type_ids,
                               expired_after=body.campaign_expired_after_epoch, search=body.search_field)
    return v3(queries.count_entries(queries.counts_by_status(session, stmt), include_zero=True))


@router.get("/api/v2/cmp/campaigns/count", response_model=V2[list[StatusCount]])
def count_v2(principal: PrincipalDep, session: SessionDep, sortType: Text = None,  # wire names
             creativeTypeIds: Text = None, searchField: Text = None, owIds: Text = None) -> dict:
    direction = (sortType or "asc").strip().lower()
    if direction not in ("asc", "desc"):
        raise ValidationFailed("sortType must be asc or desc.", field="sortType")
    stmt = queries.count_query(principal, ow_ids=owIds, io_ids=None, campaign_type_ids=None,
                               creative_type_ids=creativeTypeIds, expired_after=None, search=searchField)
    entries = queries.count_entries(queries.counts_by_status(session, stmt), include_zero=False)
    entries.sort(key=lambda e: e["order"], reverse=direction == "desc")
    return v2(entries)


@router.get("/api/v2/cmp/campaigns/list", response_model=CampaignList)
async def list_campaigns(
    principal: PrincipalDep, db: DatabaseDep,
    creative_type_ids: Text = None, sort_by: Text = None, order: Text = None, search_field: Text = None,
    status_filter: Annotated[str | None, Query(alias="status", max_length=2000)] = None, ow_ids: Text = None,
    no_of_entries: PageSize = 50, pgno: PageNo = 1,
) -> dict:
    """The console's first call: a page of up to LOOP_READ_MAX_ROWS campaigns is read on the event loop."""
    statuses = queries.parse_statuses(status_filter, "status")
    type_ids = parse_ids(creative_type_ids, "creative_type_ids")
    visible = queries.org_filter(principal, ow_ids, "ow_ids")
    sort = queries.list_sort(sort_by, order)
    offset, limit = page_offset(pgno, no_of_entries)
    # unfiltered (the usual first page), the page's own count is the total: no second count query
    unfiltered = visible and not statuses and not type_ids and queries.search_clause(search_field) is None

    def read(session: Session) -> dict:
        stmt = queries.base_query(principal, statuses=statuses, creative_type_ids=type_ids, search=search_field,
                                  visible=visible)
        rows, filtered = fetch_counted_page(session, list_query(stmt), sort, tiebreak=Campaign.id, offset=offset,
                                            limit=limit)
        total = filtered if unfiltered else count(
            session, queries.base_query(principal, statuses=[], creative_type_ids=[], search=None, visible=True))
        return {"statusCode": 200, "recordsTotal": total, "pageNumber": pgno, "pageSize": no_of_entries,
                "draw": 0, "recordsFiltered": filtered, "data": [list_item(row) for row in rows]}

    return await run_read(db, read, small=no_of_entries <= LOOP_READ_MAX_ROWS)


@router.get("/api/v2/cmp/campaigns/data", response_model=V2[CampaignsData])
def campaigns_data(
    principal: PrincipalDep, session: SessionDep, searchField: Text = None,  # wire names
    pageNo: PageNo = 1, limit: PageSize = 50, sortBy: Text = None,
    conversionId: Annotated[int | None, Query(ge=1, le=2_147_483_647)] = None,
    status_filter: Annotated[str | None, Query(alias="status", max_length=2000)] = None,
    owIds: Text = None,
) -> dict:
    statuses = queries.parse_statuses(status_filter, "status")
    stmt = queries.base_query(principal, statuses=statuses, creative_type_ids=[], search=searchField,
                              visible=queries.org_filter(principal, owIds, "owIds"))
    sort = parse_sort(sortBy, queries.DATA_SORT, "-created")
    if conversionId is not None:
        # campaigns targeting the conversion come first; the targeting is JSON, read (id, extra) only
        targeting = session.execute(stmt.with_only_columns(Campaign.id, Campaign.extra))
        sort = ids_first(Campaign.id, [cid for cid, extra in targeting
                                       if conversionId in _stored_conversion_ids(extra)]) + sort
    offset, page_size = page_offset(pageNo, limit)
    visible, matching = fetch_page(session, stmt, sort, tiebreak=Campaign.id, offset=offset, limit=page_size)
    data = []
    for c in visible:
        row = {"id": c.id, "name": c.name, "creativeTypeId": c.creative_type_id,
               "campaignType": pricing_model(c.creative_type_id), "status": c.status, "advertiserId": c.uow_id,
               "created": to_epoch_s(c.created_at), "modifiedDate": to_epoch_s(c.modified_at)}
        if conversionId is not None and conversionId in _stored_conversion_ids(c.extra):
            row["conversionId"] = conversionId
        data.append(row)
    return v2({"totalRecords": matching, "data": data})


def _stored_conversion_ids(extra: dict | None) -> list[int]:
    raw = (extra or {}).get("conversionIds")
    try:
        return parse_ids(raw, "conversionIds")
    except Exception:  # noqa: BLE001 - stored free text that is not an id list targets nothing
        return []


@router.get("/api/v2/cmp/campaigngroup/campaign/list", response_model=V2[list[CampaignGroup]])
def campaign_groups(principal: PrincipalDep, session: SessionDep, creative_type_ids: Text = None,
                    owIds: Text = None, includeChild: Text = None,  # wire names
                    status_filter: Annotated[str | None, Query(alias="status", max_length=2000)] = None) -> dict:
    """Campaign groups are insertion orders here: each IO with its campaigns."""
    from adplane.insertion_orders.listing import grouped_campaigns

    statuses = queries.parse_statuses(status_filter, "status")
    types = parse_ids(creative_type_ids, "creative_type_ids")
    visible = queries.org_filter(principal, owIds, "owIds")
    return v2(grouped_campaigns(session, principal, statuses, types, visible))
