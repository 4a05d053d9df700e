"""Bid Model API (IQM's `bm/*`): dimensions, a campaign's bid models per dimension, include/exclude, and
delivery per modelled entity read from the analytics store."""

from __future__ import annotations

from fastapi import APIRouter

from adplane.analytics.deps import AnalyticsDep
from adplane.auth.deps import PrincipalDep
from adplane.bidding import service
from adplane.bidding.responses import DimensionCount, Dimensions, EntitySpent, ModelledEntities
from adplane.bidding.schemas import DimensionBidModels, IncludeExclude, ModelledEntitiesRequest
from adplane.core.deps import IdPath, SessionDep
from adplane.core.envelopes import V3, v3

router = APIRouter(tags=["Bid Models"])

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
