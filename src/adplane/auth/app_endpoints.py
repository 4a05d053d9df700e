"""User application access on IQM's contract (guidelines/user-api.mdx "User Application Access"): the
applications a user may be given, a user's applications, granting and revoking them (organization admins)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query
from pydantic import Field

from adplane.auth import apps
from adplane.auth.deps import PrincipalDep
from adplane.auth.responses import AppAccessList, GrantableApp, RemainingApp
from adplane.core.deps import SessionDep
from adplane.core.envelopes import V3, v3
from adplane.core.schemas import MAX_DB_INT, DbId, WireModel

router = APIRouter(tags=["User Management API"])

AppIds = Annotated[str | int | list[int], Field(description="comma-separated application ids")]
UowIdQuery = Annotated[int | None, Query(ge=1, le=MAX_DB_INT)]


class AppGrant(WireModel):
    user_id: DbId
    app_ids: AppIds
    access_level: Annotated[str | None, Field(max_length=20)] = None


class AppRevoke(WireModel):
    """IQM's sample names the member `owId` ("User's Organization Workspace ID"); `uowId` and `userId` work too."""

    ow_id: DbId | None = None
    uow_id: DbId | None = None
    user_id: DbId | None = None
    app_ids: AppIds


@router.get("/api/v3/ua/user/allowed-applications", response_model=V3[list[GrantableApp]])
def allowed_applications(principal: PrincipalDep) -> dict:
    return v3(apps.grantable_apps())


@router.get("/api/v3/ua/user/applications/list", response_model=V3[AppAccessList])
def user_applications(principal: PrincipalDep, session: SessionDep, uowId: UowIdQuery = None,  # wire name
                      searchField: Annotated[str | None, Query(max_length=255)] = None,  # wire name
                      limit: Annotated[int, Query(ge=1, le=1000)] = 10,
                      pageNo: Annotated[int, Query(ge=1, le=1_000_000)] = 1,  # wire name
                      sortBy: Annotated[str | None, Query(max_length=100)] = None) -> dict:  # wire name
    """The applications a member may use (the caller's own, or any member's for an organization admin)."""
    return v3(apps.user_apps(session, principal, uowId, searchField, pageNo, limit, sortBy))


@router.get("/api/v3/ua/user/remaining-applications", response_model=V3[list[RemainingApp]])
def remaining_applications(principal: PrincipalDep, session: SessionDep,
                           uowId: Annotated[int, Query(ge=1, le=MAX_DB_INT)]) -> dict:  # wire name
    return v3(apps.remaining_apps(session, principal, uowId))


@router.post("/api/v3/ua/user/application/add", response_model=V3[str])
def add_application(body: AppGrant, principal: PrincipalDep, session: SessionDep) -> dict:
    return v3(apps.grant(session, principal, body.user_id, body.app_ids, body.access_level))


# two routes, not one with two methods: each method's operation needs its own operationId
@router.post("/api/v3/ua/user/application/revoke", response_model=V3[str], operation_id="revoke_application_post")
@router.delete("/api/v3/ua/user/application/revoke", response_model=V3[str], operation_id="revoke_application")
def revoke_application(body: AppRevoke, principal: PrincipalDep, session: SessionDep) -> dict:
    """IQM's guide sends POST, its specification DELETE: both revoke."""
    return v3(apps.revoke(session, principal, uow_id=body.uow_id or body.ow_id, user_id=body.user_id,
                          raw_app_ids=body.app_ids))
