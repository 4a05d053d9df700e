"""IQM's Workspace/User Management API around the workspace: static lists (expertise, company size, industries,
media budget, verticals), the caller's configuration, the whitelabel init, logo and chatbot, the sign-up e-mail
check, and user interaction events. The rules are in `auth.workspace_init` and `auth.interactions`."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Header, Query, Request
from fastapi.responses import FileResponse, RedirectResponse, Response
from pydantic import Field

from adplane.auth import interactions, service, workspace_catalog, workspace_init
from adplane.auth.deps import PrincipalDep, get_principal_default_org
from adplane.auth.responses import (
    CatalogItem,
    Chatbot,
    InteractionEvent,
    SignUpEmailCheck,
    UserConfig,
    VerticalItem,
    WorkspaceInit,
)
from adplane.core.addresses import client_address
from adplane.core.deps import Principal, SessionDep, SettingsDep
from adplane.core.envelopes import V3, Message, v3
from adplane.core.schemas import WireModel

router = APIRouter(tags=["User Management API"])

CallerDep = Annotated[Principal, Depends(get_principal_default_org)]
HostHeader = Annotated[str | None, Header(alias="X-IAA-HOST", max_length=255,
                                          description="The workspace host; else the request's Host.")]
AuthorizationHeader = Annotated[str | None, Header(include_in_schema=False)]


def _host(request: Request, x_iaa_host: str | None) -> str | None:
    """The workspace host: X-IAA-HOST as login takes it, else the host the request was sent to."""
    if x_iaa_host and x_iaa_host.strip():
        return x_iaa_host
    return request.headers.get("host", "").split(":")[0] or None


# --------------------------------------------------------------------------- static lists


@router.get("/api/v3/ua/static/organization-expertize", response_model=V3[list[CatalogItem]])
def organization_expertize(principal: CallerDep) -> dict:
    return v3(workspace_catalog.ORGANIZATION_EXPERTIZE)


@router.get("/api/v3/ua/static/company-size", response_model=V3[list[CatalogItem]])
def company_sizes() -> dict:
    """No login needed (the specification sends no token): sign-up forms use it."""
    return v3(workspace_catalog.COMPANY_SIZES)


@router.get("/api/v3/ua/static/industries", response_model=V3[list[CatalogItem]])
def industries() -> dict:
    return v3(workspace_catalog.INDUSTRIES)


@router.get("/api/v3/ua/static/media-budget", response_model=V3[list[CatalogItem]])
def media_budgets() -> dict:
    return v3(workspace_catalog.MEDIA_BUDGETS)


@router.get("/api/v3/ua/static/verticals", response_model=V3[list[VerticalItem]])
def verticals() -> dict:
    return v3(workspace_catalog.VERTICALS)


# --------------------------------------------------------------------------- the caller and the workspace


@router.get("/api/v3/ua/users/config", response_model=V3[UserConfig])
def users_config(principal: PrincipalDep, session: SessionDep) -> dict:
    return v3(workspace_init.user_config(session, principal))


@router.get("/api/v3/ua/init", response_model=V3[WorkspaceInit])
def init(request: Request, session: SessionDep, x_iaa_host: HostHeader = None) -> dict:
    """The whitelabel details of the workspace of the host; no login (the login page needs them)."""
    return v3(workspace_init.init(session, _host(request, x_iaa_host)))


@router.get("/api/v3/ua/logo", response_class=Response,
            responses={200: {"content": {"image/png": {}, "image/jpeg": {}, "image/gif": {}, "image/webp": {}}},
                       308: {"description": "The logo was given as an address: a redirect to it."}})
def workspace_logo(request: Request, session: SessionDep, settings: SettingsDep,
                   x_iaa_host: HostHeader = None) -> Response:
    """The workspace owner's logo: its bytes when uploaded here, else a 308 to its address; 404 when none."""
    logo = workspace_init.logo(session, settings, _host(request, x_iaa_host))
    if logo.url is not None:
        return RedirectResponse(logo.url, status_code=308)
    return FileResponse(logo.path, media_type=logo.content_type, headers={"Cache-Control": "public, max-age=300"})


@router.get("/api/v3/ua/chatbot", response_model=V3[Chatbot])
def chatbot(principal: CallerDep, session: SessionDep) -> dict:
    return v3(workspace_init.chatbot_for_caller(session, principal))


@router.get("/api/v3/ua/st/chatbot", response_model=V3[Chatbot])
def chatbot_by_domain(request: Request, session: SessionDep, x_iaa_host: HostHeader = None) -> dict:
    return v3(workspace_init.chatbot_for_host(session, _host(request, x_iaa_host)))


# --------------------------------------------------------------------------- sign-up e-mail check


class SignUpEmail(WireModel):
    email: Annotated[str, Field(min_length=1, max_length=320)]


@router.post("/api/v3/ua/user-email/validate", response_model=V3[SignUpEmailCheck])
def validate_sign_up_email(body: SignUpEmail, request: Request, session: SessionDep, settings: SettingsDep,
                           authorization: AuthorizationHeader = None,
                           x_iaa_host: Annotated[str | None, Header(alias="X-IAA-HOST")] = None) -> dict:
    """Client credentials and the workspace host, as sign-up takes them; answers for that workspace only."""
    client = service.authenticate_client(session, authorization, x_iaa_host)
    address = client_address(request, request.app.state.settings)
    return v3(workspace_init.validate_sign_up_email(session, settings, client, body.email, address))


# --------------------------------------------------------------------------- interaction events


class InteractionEventIn(WireModel):
    user_interaction_event: Any = None
    meta_data: Any = None


@router.put("/api/v3/ua/interaction/event", response_model=V3[Message])
def upsert_interaction_event(body: InteractionEventIn, principal: PrincipalDep, session: SessionDep) -> dict:
    """Count one occurrence for the caller (IQM's example without an event is the 422 below)."""
    return v3(interactions.upsert(session, principal, body.user_interaction_event, body.meta_data))


@router.get("/api/v3/ua/interaction/events", response_model=V3[list[InteractionEvent]])
def interaction_events(principal: PrincipalDep, session: SessionDep,
                       userInteractionEvent: Annotated[str | None, Query(max_length=10_000)] = None,  # wire name
                       ) -> dict:
    return v3(interactions.events(session, principal, userInteractionEvent))
