"""IQM's v2 include/exclude of device types, exchanges and traffic types on a campaign (`campaigns.include_exclude`)."""

from __future__ import annotations

from fastapi import APIRouter

from adplane.auth.deps import PrincipalDep
from adplane.campaigns.include_exclude import DEVICE_TYPES, EXCHANGES, TRAFFIC_TYPES, include_exclude, message
from adplane.campaigns.schemas import IncludeExclude
from adplane.core.deps import SessionDep
from adplane.core.envelopes import V2, Message, v2

router = APIRouter(tags=["Campaigns"])


@router.post("/api/v2/cmp/deviceType/includeExclude", response_model=V2[Message])
def device_types(body: IncludeExclude, principal: PrincipalDep, session: SessionDep) -> dict:
    include_exclude(session, principal, DEVICE_TYPES, body)
    return v2({"message": message(DEVICE_TYPES, bool(body.is_excluded))})


@router.post("/api/v2/cmp/exchange/includeExclude", response_model=V2[Message])
def exchanges(body: IncludeExclude, principal: PrincipalDep, session: SessionDep) -> dict:
    include_exclude(session, principal, EXCHANGES, body)
    return v2({"message": message(EXCHANGES, bool(body.is_excluded))})


@router.post("/api/v2/cmp/trafficsource/includeExclude", response_model=V2[Message])
def traffic_types(body: IncludeExclude, principal: PrincipalDep, session: SessionDep) -> dict:
    include_exclude(session, principal, TRAFFIC_TYPES, body)
    return v2({"message": message(TRAFFIC_TYPES, bool(body.is_excluded))})
