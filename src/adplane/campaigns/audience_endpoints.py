"""HTTP endpoints of campaign audience targeting (IQM's Campaign API): update several campaigns' audience
targeting, and the audiences each campaign targets, by audience type."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Body
from pydantic import Field

from adplane.audiences.derived.responses import AudienceTypeIds, TargetingSaved
from adplane.auth.deps import PrincipalDep
from adplane.campaigns import audience_targeting
from adplane.core.deps import SessionDep
from adplane.core.envelopes import V3, v3
from adplane.core.listing import parse_ids
from adplane.core.schemas import WireModel

router = APIRouter(tags=["Campaign API"])


@router.post("/api/v3/cmp/target/audience", response_model=V3[TargetingSaved])
def target_audience(principal: PrincipalDep, session: SessionDep,
                    body: Annotated[dict[str, Any], Body()]) -> dict:
    """{campaignId: {includedAudienceList, excludedAudienceList, removedAudienceList}}; `success` is false
    (with `failedCampaigns`) when some campaigns could not be saved."""
    ok, data = audience_targeting.update_targeting(session, principal, body)
    return {"success": ok, "data": data}


class TargetingRequest(WireModel):
    campaign_ids: Annotated[list[Any], Field(max_length=1000)] | str | None = None
    status: Annotated[list[Annotated[str, Field(max_length=30)]], Field(max_length=20)] = []
    page_no: Annotated[int, Field(ge=1, le=1_000_000)] | None = None
    no_of_entries: Annotated[int, Field(ge=1, le=1000)] | None = None


@router.post("/api/v3/cmp/audience/targeting", response_model=V3[dict[str, list[AudienceTypeIds]]])
def audience_targeting_by_campaign(body: TargetingRequest, principal: PrincipalDep, session: SessionDep) -> dict:
    ids = parse_ids(body.campaign_ids, "campaignIds")
    return v3(audience_targeting.targeting_by_type(session, principal, ids, statuses=body.status,
                                                   page_no=body.page_no, no_of_entries=body.no_of_entries))
