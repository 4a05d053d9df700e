"""User-management API: login, OAuth token, sign-up, invitations, logout, profile, allowed organizations."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Body, Depends, Form, Header, Query, Request

from adplane.auth import invitations, service
from adplane.auth.admin import add_user
from adplane.auth.deps import PrincipalDep, get_principal_default_org
from adplane.auth.models import ROLE_MEMBER
from adplane.auth.organizations import allowed_organizations, profile
from adplane.auth.schemas import (
    SEARCH_PATTERN,
    AllowedOrganizations,
    InviteValidateRequest,
    InviteValidation,
    LoginRequest,
    Profile,
    SignUpRequest,
    TokenData,
    UserInvitation,
)
from adplane.core.addresses import client_address
from adplane.core.deps import Principal, SessionDep, SettingsDep
from adplane.core.envelopes import V3
from adplane.core.errors import Forbidden, ValidationFailed

router = APIRouter(tags=["User Management API"])

AuthorizationHeader = Annotated[str | None, Header(include_in_schema=False)]
HostHeader = Annotated[str | None, Header(alias="X-IAA-HOST")]


def _client_address(request: Request) -> str:
    return client_address(request, request.app.state.settings)


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
    request: Request,
    session: SessionDep,
    settings: SettingsDep,
    authorization: AuthorizationHeader = None,
    x_iaa_host: HostHeader = None,
) -> dict:
    """An invited user sets a password with the mailed `inviteHash`; without one, a new e-mail gets
    its own organization only where the workspace has open sign-up."""
    client = service.authenticate_client(session, authorization, x_iaa_host)
    data = service.sign_up(session, settings, client, body.email, body.password, body.organization_name,
                           invite_hash=body.invite_hash, address=_client_address(request))
    return {"success": True, "data": data}


@router.post("/api/v3/ua/invite/validate", response_model=V3[InviteValidation])
def validate_invite(body: InviteValidateRequest, session: SessionDep) -> dict:
    """The state of an invitation; needs no login (the hash is the credential)."""
    return {"success": True, "data": invitations.validate(session, body.invite_hash)}


@router.post("/api/v3/ua/user/invite", response_model=V3[str])
def invite_users(
    body: Annotated[list[UserInvitation], Body(min_length=1, max_length=100)],
    session: SessionDep,
    settings: SettingsDep,
    principal: PrincipalDep,
) -> dict:
    """An organization admin invites users (IQM `[{email, name}]`) into the organization of
    X-IAA-OW-ID; each one without a password gets an invite token by mail."""
    if not principal.is_org_admin:
        raise Forbidden("Only an organization admin can invite users.")
    seen: set[str] = set()
    for item in body:
        email = item.email.strip().lower()
        if email in seen:
            continue
        seen.add(email)
        first, _, last = item.name.strip().partition(" ")
        add_user(session, ow_id=principal.ow_id, email=email, password=None, role=ROLE_MEMBER,
                 first_name=first or None, last_name=last.strip() or None, settings=settings,
                 invited_by_user_id=principal.user_id, keep_role=True)
    return {"success": True, "data": f"{len(seen)} invitations sent successfully."}


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
    search_field: Annotated[str | None, Query(alias="searchField", max_length=255, pattern=SEARCH_PATTERN)] = None,
    page_no: Annotated[int, Query(alias="pageNo", ge=1, le=1_000_000)] = 1,
    no_of_entries: Annotated[int, Query(alias="noOfEntries", ge=1, le=1000)] = 50,
    sort_by: Annotated[str, Query(alias="sortBy", max_length=100)] = "+organizationName",
) -> dict:
    data = allowed_organizations(session, principal, search_field, page_no, no_of_entries, sort_by)
    return {"success": True, "data": data}
