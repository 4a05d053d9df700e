"""Insertion-order API (seed 004): create, read, edit, lists, duplicate, delete, end dates, budgets."""

from __future__ import annotations

from fastapi import APIRouter

from adplane.analytics.deps import AnalyticsDep
from adplane.auth.deps import PrincipalDep
from adplane.core.deps import IdPath, SessionDep
from adplane.core.envelopes import V3, v3
from adplane.insertion_orders import duplicate, listing, service
from adplane.insertion_orders.responses import (
    CreatedIo,
    DuplicatedIo,
    InsertionOrder,
    IoBasicList,
    IoCampaignGroups,
    IoCampaignsDelivery,
)
from adplane.insertion_orders.schemas import (
    IoBasicListRequest,
    IoCampaignBasicListRequest,
    IoCampaignsListRequest,
    IoCreate,
    IoDelete,
    IoDuplicate,
    IoUpdate,
    IoUpdateBudget,
    IoUpdateEndDate,
)

router = APIRouter(tags=["Insertion Orders"])


@router.post("/api/v3/cmp/io/add", response_model=V3[CreatedIo])
def add_io(body: IoCreate, principal: PrincipalDep, session: SessionDep) -> dict:
    return v3(service.created_io_to_wire(service.create_io(session, principal, body)))


@router.post("/api/v3/cmp/io/basic/list", response_model=V3[IoBasicList])
def basic_list(body: IoBasicListRequest, principal: PrincipalDep, session: SessionDep) -> dict:
    return v3(listing.basic_list(session, principal, body))


@router.post("/api/v3/cmp/io/campaign/basic/list", response_model=V3[IoCampaignGroups])
def campaign_basic_list(body: IoCampaignBasicListRequest, principal: PrincipalDep, session: SessionDep) -> dict:
    return v3(listing.campaign_basic_list(session, principal, body))


@router.post("/api/v3/cmp/io/campaigns/list", response_model=V3[IoCampaignsDelivery])
def campaigns_list(body: IoCampaignsListRequest, principal: PrincipalDep, session: SessionDep,
                   store: AnalyticsDep) -> dict:
    return v3(listing.campaigns_with_delivery(session, principal, body, store))


@router.post("/api/v3/cmp/io/duplicate", response_model=V3[DuplicatedIo])
def duplicate_io(body: IoDuplicate, principal: PrincipalDep, session: SessionDep) -> dict:
    new_io, campaign_ids = duplicate.duplicate_io(session, principal, body)
    return v3({"duplicatedCampaignIds": campaign_ids, "duplicatedIOId": new_io.id})


@router.post("/api/v3/cmp/io/delete", response_model=V3[str])
def delete_ios(body: IoDelete, principal: PrincipalDep, session: SessionDep) -> dict:
    count = service.delete_ios(session, principal, body.io_ids_list)
    noun = "Insertion Order" if count == 1 else "Insertion Orders"
    return v3(f"{count} {noun} deleted successfully")


@router.patch("/api/v3/cmp/io/update-end-date", response_model=V3[str])
def update_end_date(body: IoUpdateEndDate, principal: PrincipalDep, session: SessionDep) -> dict:
    service.update_end_dates(session, principal, body.io_ids_list, body.io_end_time, body.io_timezone_id)
    return v3("EndDate updated successfully")


@router.patch("/api/v3/cmp/io/update-budget", response_model=V3[str])
def update_budget(body: IoUpdateBudget, principal: PrincipalDep, session: SessionDep) -> dict:
    service.update_budgets(session, principal, body.io_ids_list, budget=body.budget,
                           impressions=body.io_total_impressions, update_type=body.budget_update_type)
    return v3("Budget updated successfully")


@router.get("/api/v3/cmp/io/{io_id}", response_model=V3[InsertionOrder])
def get_io(io_id: IdPath, principal: PrincipalDep, session: SessionDep) -> dict:
    return v3(service.io_to_wire(service.get_io(session, principal.ow_id, io_id)))


@router.patch("/api/v3/cmp/io/{io_id}", response_model=V3[str])
def patch_io(io_id: IdPath, body: IoUpdate, principal: PrincipalDep, session: SessionDep) -> dict:
    io = service.update_io(session, principal, io_id, body)
    return v3(f"{io.name} saved successfully.")
