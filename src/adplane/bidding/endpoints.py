"""Bid Model API (IQM's `bm/*`): dimensions, a campaign's bid models per dimension, include/exclude, and
delivery per modelled entity read from the analytics store."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query

from adplane.analytics.deps import AnalyticsDep
from adplane.auth.deps import PrincipalDep
from adplane.bidding import io_service, master_inventory, service
from adplane.bidding.responses import DimensionCount, Dimensions, EntitySpent, ModelledEntities, ModelledEntityData
from adplane.bidding.schemas import (
    CampaignBidModelling,
    CampaignBidModelUpdate,
    DimensionBidModels,
    IncludeExclude,
    IoBidModels,
    IoPriorities,
    ModelledEntitiesRequest,
    ModelledEntityQuery,
)
from adplane.core.deps import IdPath, SessionDep
from adplane.core.envelopes import V3, v3
from adplane.core.routing import add_router

router = APIRouter(tags=["Bid Models"])
add_router(router, master_inventory.router)

NOUNS = {1: "Creatives", 4: "Inventories", 7: "Traffic types", 8: "Device types", 10: "States", 13: "Exchanges"}


@router.get("/api/v3/bm/static/dimensions", response_model=V3[Dimensions])
def dimensions(principal: PrincipalDep) -> dict:
    return v3({"totalRecords": len(service.DIMENSIONS), "filteredRecords": len(service.DIMENSIONS),
               "dimensions": service.DIMENSIONS})


@router.put("/api/v3/bm/campaigns/{campaign_id}/bid-models/{dimension_id}", response_model=V3[str])
def update_bid_models(campaign_id: IdPath, dimension_id: IdPath, body: DimensionBidModels, principal: PrincipalDep,
                      session: SessionDep) -> dict:
    service.update_dimension(session, principal, campaign_id, dimension_id, body)
    return v3("Bid Model updated successfully")


@router.post("/api/v3/bm/campaigns/{campaign_id}/include-exclude/dimensions/{dimension_id}", response_model=V3[str])
@router.post("/api/v3/bm/campaigns/{campaign_id}/include-Exclude/dimensions/{dimension_id}", response_model=V3[str],
             include_in_schema=False)
def include_exclude(campaign_id: IdPath, dimension_id: IdPath, body: IncludeExclude, principal: PrincipalDep,
                    session: SessionDep) -> dict:
    service.include_exclude(session, principal, campaign_id, dimension_id, body.ids, bool(body.is_excluded))
    verb = "blocked" if body.is_excluded else "targeted"
    return v3(f"{NOUNS.get(dimension_id, 'Entities')} successfully {verb} for the campaign.")


@router.post("/api/v3/bm/campaigns/{campaign_id}/bid-models/dimensions/{dimension_id}",
             response_model=V3[ModelledEntities])
def modelled_entities(campaign_id: IdPath, dimension_id: IdPath, body: ModelledEntitiesRequest,
                      principal: PrincipalDep, session: SessionDep, store: AnalyticsDep) -> dict:
    return v3(service.modelled_entities(session, principal, store, campaign_id, dimension_id, body))


@router.post("/api/v3/bm/campaigns/{campaign_id}/reports/{dimension_id}", response_model=V3[ModelledEntities])
def dimension_report(campaign_id: IdPath, dimension_id: IdPath, body: ModelledEntitiesRequest,
                     principal: PrincipalDep, session: SessionDep, store: AnalyticsDep) -> dict:
    return v3(service.modelled_entities(session, principal, store, campaign_id, dimension_id, body))


@router.get("/api/v3/bm/campaigns/{campaign_id}/dimension/{dimension_id}/spent", response_model=V3[EntitySpent])
def spent(campaign_id: IdPath, dimension_id: IdPath, principal: PrincipalDep, session: SessionDep,
          store: AnalyticsDep) -> dict:
    return v3({"entityWiseSpent": service.spent_by_entity(session, principal, store, campaign_id, dimension_id)})


@router.get("/api/v3/bm/campaign/{campaign_id}/dimensions/bid-models/count",
            response_model=V3[dict[str, DimensionCount]])
def counts(campaign_id: IdPath, principal: PrincipalDep, session: SessionDep, store: AnalyticsDep) -> dict:
    return v3(service.dimension_counts(session, principal, store, campaign_id))


# --------------------------------------------------------------------------- insertion-order bid models

IdsQuery = Annotated[str | None, Query(max_length=60_000)]


@router.put("/api/v3/bm/io/{io_id}/bid-models", response_model=V3[str])
def manage_io_bid_models(io_id: IdPath, body: IoBidModels, principal: PrincipalDep, session: SessionDep) -> dict:
    """Campaign priorities and IO-wide multipliers (ADD/UPDATE/DELETE), the IO's base bid and excludes."""
    io_service.update_io(session, principal, io_id, body)
    return v3("Priority Updated Successfully")


@router.post("/api/v3/bm/io/{io_id}/bid-models", response_model=V3[str])
def add_io_priorities(io_id: IdPath, body: IoPriorities, principal: PrincipalDep, session: SessionDep) -> dict:
    io_service.set_priorities(session, principal, io_id, body)
    return v3("Priority Updated Successfully")


@router.patch("/api/v3/bm/io/{io_id}/bid-models", response_model=V3[str])
def update_io_priorities(io_id: IdPath, body: IoPriorities, principal: PrincipalDep, session: SessionDep) -> dict:
    io_service.set_priorities(session, principal, io_id, body)
    return v3("Priority Updated Successfully")


@router.delete("/api/v3/bm/io/{io_id}/bid-models", response_model=V3[str])
def delete_io_priorities(io_id: IdPath, principal: PrincipalDep, session: SessionDep,
                         campaign_ids: Annotated[str | None, Query(alias="campaignIds", max_length=60_000)] = None,
                         ) -> dict:
    io_service.delete_priorities(session, principal, io_id, campaign_ids)
    return v3("Priority Deleted Successfully")


# --------------------------------------------------------------------------- a campaign's models across dimensions


@router.post("/api/v3/bm/campaigns/{campaign_id}/bid-models", response_model=V3[str])
def add_campaign_bid_models(campaign_id: IdPath, body: CampaignBidModelling, principal: PrincipalDep,
                            session: SessionDep) -> dict:
    io_service.add_campaign_models(session, principal, campaign_id, body)
    return v3("Bid Modelling added successfully!")


@router.patch("/api/v3/bm/campaigns/{campaign_id}/bid-models", response_model=V3[str])
def update_campaign_bid_models(campaign_id: IdPath, body: CampaignBidModelUpdate, principal: PrincipalDep,
                               session: SessionDep) -> dict:
    io_service.update_campaign_models(session, principal, campaign_id, body)
    return v3("Bid Modelling updated successfully!")


@router.delete("/api/v3/bm/campaigns/{campaign_id}/bid-models", response_model=V3[str])
def delete_campaign_bid_models(
    campaign_id: IdPath, principal: PrincipalDep, session: SessionDep,
    dimension_ids: Annotated[str | None, Query(alias="dimensionIds", max_length=1000)] = None,
    bid_model_data_ids: Annotated[str | None, Query(alias="bidModelDataIds", max_length=60_000)] = None,
    dimension_id: Annotated[int | None, Query(alias="dimensionId", ge=1, le=2_147_483_647)] = None,
    bid_model_data_id: Annotated[int | None, Query(alias="bidModelDataId", ge=1, le=2_147_483_647)] = None,
) -> dict:
    """Without filters every model of the campaign; else the models of `dimensionIds`/`dimensionId` and the
    `bidModelDataIds`/`bidModelDataId`."""
    dims = ",".join(str(x) for x in (dimension_ids, dimension_id) if x)
    ids = ",".join(str(x) for x in (bid_model_data_ids, bid_model_data_id) if x)
    io_service.delete_campaign_models(session, principal, campaign_id, dimension_ids=dims or None,
                                      model_ids=ids or None)
    return v3("Bid Modelling deleted successfully!")


@router.post("/api/v3/bm/bid-models/dimension/entity", response_model=V3[ModelledEntityData])
def modelled_entity_data(body: ModelledEntityQuery, principal: PrincipalDep, session: SessionDep) -> dict:
    return v3(io_service.modelled_entity_data(session, principal, body))
