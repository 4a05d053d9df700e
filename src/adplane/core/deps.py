"""FastAPI dependencies shared by every domain: the session, settings and the caller (Principal)."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Annotated

from fastapi import Depends, Header, Request
from sqlalchemy.orm import Session

from adplane.core.db import Database
from adplane.core.errors import Forbidden, Unauthorized, ValidationFailed
from adplane.core.schemas import MAX_DB_INT
from adplane.core.settings import Settings


def get_database(request: Request) -> Database:
    return request.app.state.db


def get_settings(request: Request) -> Settings:
    return request.app.state.settings


def get_session(db: Annotated[Database, Depends(get_database)]) -> Iterator[Session]:
    with db.session() as session:
        yield session


SessionDep = Annotated[Session, Depends(get_session)]
SettingsDep = Annotated[Settings, Depends(get_settings)]


@dataclass
class Principal:
    """The authenticated caller acting for one organization (the X-IAA-OW-ID)."""

    user_id: int
    email: str
    ow_id: int
    uow_id: int
    role: str
    workspace_id: int
    is_workspace_admin: bool
    token_id: int

    @property
    def is_org_admin(self) -> bool:
        return self.role == "admin"


def bearer_token(authorization: str | None) -> str:
    if not authorization:
        raise Unauthorized("Authorization header with a bearer token is required.")
    scheme, _, value = authorization.partition(" ")
    if scheme.lower() != "bearer" or not value.strip():
        raise Unauthorized("Authorization header must be 'Bearer <token>'.")
    return value.strip()


def parse_ow_id(raw: str | None, *, required: bool) -> int | None:
    if raw is None or not raw.strip():
        if required:
            raise ValidationFailed("X-IAA-OW-ID header is required", field="X-IAA-OW-ID")
        return None
    try:
        value = int(raw.strip())
    except ValueError:
        raise ValidationFailed("X-IAA-OW-ID must be an integer", field="X-IAA-OW-ID") from None
    if not 1 <= value <= MAX_DB_INT:
        raise ValidationFailed("X-IAA-OW-ID is out of range", field="X-IAA-OW-ID")
    return value


def _principal(session: Session, authorization: str | None, ow_header: str | None, required: bool) -> Principal:
    from adplane.auth import repository as auth_repo
    from adplane.auth.models import ORG_STATUS_ACTIVE, Organization, User
    from adplane.auth.service import check_access_token

    token = check_access_token(session, bearer_token(authorization))
    ow_id = parse_ow_id(ow_header, required=required) or token.ow_id
    if ow_id is None:
        raise ValidationFailed("X-IAA-OW-ID header is required", field="X-IAA-OW-ID")
    membership = auth_repo.membership(session, token.user_id, ow_id)
    org = session.get(Organization, ow_id)
    if membership is None or org is None or org.workspace_id != token.workspace_id:
        raise Forbidden("User is not allowed to access the provided organization.", field="X-IAA-OW-ID")
    if org.status != ORG_STATUS_ACTIVE:
        raise Forbidden(
            "User is not allowed to access provided customer",
            reason="The organization is on hold.",
            data={"status": "On Hold", "reason": org.hold_reason or "", "supportEmail": org.support_email or ""},
        )
    user = session.get(User, token.user_id)
    assert user is not None
    owner_org = auth_repo.workspace_owner_org(session, token.workspace_id)
    is_ws_admin = False
    if owner_org is not None:
        owner_membership = auth_repo.membership(session, user.id, owner_org.ow_id)
        is_ws_admin = owner_membership is not None and owner_membership.role == "admin"
    return Principal(
        user_id=user.id,
        email=user.email,
        ow_id=ow_id,
        uow_id=membership.uow_id,
        role=membership.role,
        workspace_id=token.workspace_id,
        is_workspace_admin=is_ws_admin,
        token_id=token.id,
    )


def get_principal(
    session: SessionDep,
    authorization: Annotated[str | None, Header(include_in_schema=False)] = None,
    x_iaa_ow_id: Annotated[str | None, Header(alias="X-IAA-OW-ID")] = None,
) -> Principal:
    """Bearer token + X-IAA-OW-ID: 401 for a bad token, 403 for an organization not the user's."""
    return _principal(session, authorization, x_iaa_ow_id, required=True)


def get_principal_default_org(
    session: SessionDep,
    authorization: Annotated[str | None, Header(include_in_schema=False)] = None,
    x_iaa_ow_id: Annotated[str | None, Header(alias="X-IAA-OW-ID")] = None,
) -> Principal:
    """As get_principal, but falls back to the organization chosen at login (profile endpoints)."""
    return _principal(session, authorization, x_iaa_ow_id, required=False)


def require_workspace_admin(principal: Annotated[Principal, Depends(get_principal)]) -> Principal:
    if not principal.is_workspace_admin:
        raise Forbidden("Only workspace admins may do this.")
    return principal


PrincipalDep = Annotated[Principal, Depends(get_principal)]
WorkspaceAdminDep = Annotated[Principal, Depends(require_workspace_admin)]
