"""User-management API: login, OAuth token, sign-up, logout, profile, allowed organizations."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Form, Header, Query, Request

from adplane.auth import service
from adplane.auth.organizations import allowed_organizations, profile
from adplane.auth.schemas import AllowedOrganizations, LoginRequest, Profile, SignUpRequest, TokenData
from adplane.core.deps import Principal, SessionDep, SettingsDep, get_principal_default_org
from adplane.core.envelopes import V3
from adplane.core.errors import ValidationFailed

router = APIRouter(tags=["User Management API"])

AuthorizationHeader = Annotated[str | None, Header(include_in_schema=False)]
HostHeader = Annotated[str | None, Header(alias="X-IAA-HOST")]


def _client_address(request: Request) -> str | None:
    return request.client.host if request.client else None


@router.post("/api/v3/ua/login", response_model=V3[TokenData])
def login(
    body: LoginRequest,
    request: Request,
    session: SessionDep,
    settings: SettingsDep,
    authorization: AuthorizationHeader = None,
    x_iaa_host: HostHeader = None,
) -> dict:
    client = service.authenticate_client(session, authorization, x_iaa_host)
    if body.grant_type != "password":
        raise ValidationFailed("grantType must be 'password'", field="grantType")
    data = service.password_login(session, settings, client, body.email, body.password, _client_address(request))
    return {"success": True, "data": data}


@router.post("/api/v3/ua/oauth/token", response_model=TokenData, response_model_exclude_none=True)
def oauth_token(
    request: Request,
    session: SessionDep,
    settings: SettingsDep,
    grant_type: Annotated[str, Form(max_length=50)],
    username: Annotated[str | None, Form(max_length=320)] = None,
    password: Annotated[str | None, Form(max_length=1000)] = None,
    refresh_token: Annotated[str | None, Form(max_length=200)] = None,
    authorization: AuthorizationHeader = None,
    x_iaa_host: HostHeader = None,
) -> dict:
    """OAuth 2 token endpoint (form-encoded); answers the bare token object."""
    client = service.authenticate_client(session, authorization, x_iaa_host)
    if grant_type == "password":
        if not username:
            raise ValidationFailed("username is required for grant_type=password", field="username")
        if not password:
            raise ValidationFailed("password is required for grant_type=password", field="password")
        return service.password_login(session, settings, client, username, password, _client_address(request))
    if grant_type == "refresh_token":
        if not refresh_token:
            raise ValidationFailed("refresh_token is required", field="refresh_token")
        return service.refresh(session, settings, client, refresh_token)
    raise ValidationFailed("grant_type must be 'password' or 'refresh_token'", field="grant_type")


@router.post("/api/v3/ua/sign-up", response_model=V3[TokenData])
def sign_up(
    body: SignUpRequest,
    session: SessionDep,
    settings: SettingsDep,
    authorization: AuthorizationHeader = None,
    x_iaa_host: HostHeader = None,
) -> dict:
    client = service.authenticate_client(session, authorization, x_iaa_host)
    data = service.sign_up(session, settings, client, body.email, body.password, body.organization_name)
    return {"success": True, "data": data}


@router.post("/api/v3/ua/logout", response_model=V3[str])
def logout(
    session: SessionDep,
    principal: Annotated[Principal, Depends(get_principal_default_org)],
) -> dict:
    from adplane.auth.models import AuthToken

    token = session.get(AuthToken, principal.token_id)
    assert token is not None
    service.revoke(session, token)
    return {"success": True, "data": "User logged out successfully."}


@router.get("/api/v3/ua/profile", response_model=V3[Profile])
def get_profile(
    session: SessionDep,
    principal: Annotated[Principal, Depends(get_principal_default_org)],
) -> dict:
    return {"success": True, "data": profile(session, principal)}


@router.get("/api/v3/ua/user/allowed-organizations", response_model=V3[AllowedOrganizations])
def get_allowed_organizations(
    session: SessionDep,
    principal: Annotated[Principal, Depends(get_principal_default_org)],
    search_field: Annotated[str | None, Query(alias="searchField", max_length=255)] = None,
    page_no: Annotated[int, Query(alias="pageNo", ge=1, le=1_000_000)] = 1,
    no_of_entries: Annotated[int, Query(alias="noOfEntries", ge=1, le=1000)] = 50,
    sort_by: Annotated[str, Query(alias="sortBy", max_length=100)] = "+organizationName",
) -> dict:
    data = allowed_organizations(session, principal, search_field, page_no, no_of_entries, sort_by)
    return {"success": True, "data": data}
