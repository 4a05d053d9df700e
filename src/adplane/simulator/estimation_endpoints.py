"""IQM's campaign estimator (`adplane.simulator.estimation`): reach, bid landscape, the older estimate-reach
and the list of dimensions the estimates apply."""

from __future__ import annotations

from fastapi import APIRouter

from adplane.analytics.deps import AnalyticsDep
from adplane.auth.deps import PrincipalDep
from adplane.core.deps import SessionDep
from adplane.core.envelopes import V3, v3
from adplane.simulator import estimation
from adplane.simulator.estimation import EstimateRequest
from adplane.simulator.responses import BidLandscape, EstimatedReach, EstimatorDimensions, ReachEstimate

router = APIRouter(tags=["Campaigns"])


@router.post("/api/v3/cmp/campaign/estimation/reach", response_model=V3[ReachEstimate])
def reach(body: EstimateRequest, principal: PrincipalDep, session: SessionDep) -> dict:
    return v3(estimation.reach_answer(estimation.estimate(session, principal, body)))


@router.post("/api/v3/cmp/campaign/estimation/bid-landscape", response_model=V3[BidLandscape])
def bid_landscape(body: EstimateRequest, principal: PrincipalDep, session: SessionDep, store: AnalyticsDep) -> dict:
    return v3(estimation.landscape_answer(store, principal, estimation.estimate(session, principal, body)))


@router.post("/api/v3/cmp/estimate-reach", response_model=V3[EstimatedReach])
def estimate_reach(body: EstimateRequest, principal: PrincipalDep, session: SessionDep) -> dict:
    result = estimation.estimate(session, principal, body)
    answer: dict = {"estimated_reach": result.reach[1]}
    if result.targeting.ignored:
        answer["ignored"] = result.targeting.ignored
    return v3(answer)


@router.get("/api/v3/cmp/static/campaign/estimator/dimension/list", response_model=V3[EstimatorDimensions])
def dimensions(principal: PrincipalDep) -> dict:
    return v3({"targetableAudience": estimation.TARGETABLE_AUDIENCE,
               "bidLandscapeEstimation": estimation.BID_LANDSCAPE})
