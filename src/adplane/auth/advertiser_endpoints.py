"""Political advertiser profiles of the organization of X-IAA-OW-ID (IQM's "Advertiser Management"): list, add,
edit, delete. The rules are in `auth.advertisers`."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query
from pydantic import Field

from adplane.auth import advertisers
from adplane.auth.deps import PrincipalDep
from adplane.auth.responses import AdvertiserProfileList
from adplane.core.deps import IdPath, SessionDep
from adplane.core.envelopes import V3, v3
from adplane.core.schemas import MAX_DB_INT, WireModel

router = APIRouter(tags=["User Management API"])

# lengths and formats are checked by the service (a 422 naming the field); the types here
Text = Annotated[str | None, Field(max_length=4000)]


class AdvertiserProfileIn(WireModel):
    """IQM's body (every field; PATCH may send only some). `id` (the guide's PATCH sample) must match the path."""

    id: Annotated[int | None, Field(ge=1, le=MAX_DB_INT)] = None
    advertiser_name: Text = None
    website: Text = None
    chief_name: Text = None
    contact_number: Text = None
    address: Text = None
    legal_info: Text = None
    political_identifier: Text = None
    links: Annotated[list[Annotated[str, Field(max_length=4000)]] | None, Field(max_length=1000)] = None

    def given(self) -> dict[str, Any]:
        return self.model_dump(by_alias=True, exclude_unset=True)


@router.get("/api/v3/ua/organization/advertisers/list", response_model=V3[AdvertiserProfileList])
def list_advertisers(principal: PrincipalDep, session: SessionDep,
                     searchField: Annotated[str | None, Query(max_length=255)] = None,  # wire name
                     pageNo: Annotated[int, Query(ge=1, le=1_000_000)] = 1,  # wire name
                     limit: Annotated[int, Query(ge=1, le=1000)] = 10,
                     advertiserIds: Annotated[str | None, Query(max_length=20_000)] = None,  # wire name
                     sortBy: Annotated[str | None, Query(max_length=100)] = None) -> dict:  # wire name
    """adplane's `sortBy`: `id` or `advertiserName`, `+`/`-` (default `-id`, newest first)."""
    return v3(advertisers.list_advertisers(session, principal, search=searchField, advertiser_ids=advertiserIds,
                                           page_no=pageNo, limit=limit, sort_by=sortBy))


@router.post("/api/v3/ua/organization/advertiser/add", response_model=V3[str])
def add_advertiser(body: AdvertiserProfileIn, principal: PrincipalDep, session: SessionDep) -> dict:
    return v3(advertisers.add(session, principal, body.given()))


@router.patch("/api/v3/ua/organization/advertiser/{advertiserId}", response_model=V3[str])
def update_advertiser(advertiserId: IdPath, body: AdvertiserProfileIn, principal: PrincipalDep,  # noqa: N803
                      session: SessionDep) -> dict:
    return v3(advertisers.update(session, principal, advertiserId, body.given()))


@router.delete("/api/v3/ua/organization/advertiser/{advertiserId}", response_model=V3[str])
def delete_advertiser(advertiserId: IdPath, principal: PrincipalDep, session: SessionDep) -> dict:  # noqa: N803
    return v3(advertisers.delete(session, principal, advertiserId))
