"""The caller as FastAPI dependencies: a bearer token + X-IAA-OW-ID resolved to a `Principal`
(`PrincipalDep`), or one who must be a workspace admin (`WorkspaceAdminDep`). Every domain's endpoints
use these; they live in auth because resolving a token reads auth's tables."""

from __future__ import annotations

from typing import Annotated, NoReturn

from fastapi import Depends, Request, Security
from sqlalchemy.orm import Session

from adplane.auth import apps
from adplane.auth import repository as auth_repo
from adplane.auth.models import ORG_STATUS_ACTIVE, USER_STATUS_ACTIVE, USER_STATUS_DELETED, Organization, User
from adplane.auth.service import check_access_token
from adplane.core.deps import Principal, SessionDep, bearer_token, parse_ow_id
from adplane.core.errors import Forbidden, Unauthorized, ValidationFailed
from adplane.core.openapi import bearer_auth, ow_id_header


def _principal(session: Session, authorization: str | None, ow_header: str | None, required: bool,
               path: str = "") -> Principal:
    token = check_access_token(session, bearer_token(authorization))
    ow_id = parse_ow_id(ow_header, required=required) or token.ow_id
    if ow_id is None:
        raise ValidationFailed("X-IAA-OW-ID header is required", field="X-IAA-OW-ID")
    membership = auth_repo.membership(session, token.user_id, ow_id)
    org = session.get(Organization, ow_id)
    if membership is None or org is None or org.workspace_id != token.workspace_id \
            or membership.status == USER_STATUS_DELETED:
        raise Forbidden("User is not allowed to access the provided organization.", field="X-IAA-OW-ID")
    if membership.status != USER_STATUS_ACTIVE:
        _refuse_inactive(token.ow_id == ow_id)
    apps.check_access(session, membership, path)
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
        is_ws_admin = (owner_membership is not None and owner_membership.role == "admin"
                       and owner_membership.status == USER_STATUS_ACTIVE)
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


def _refuse_inactive(own_session: bool) -> NoReturn:
    """A deactivated user: the session issued for that organization is over (401, log in again); a
    session of another organization where the user is still active is just not allowed here (403)."""
    if own_session:
        raise Unauthorized("The user is deactivated in this organization.")
    raise Forbidden("The user is deactivated in the provided organization.", field="X-IAA-OW-ID")


def get_principal(
    request: Request,
    session: SessionDep,
    authorization: Annotated[str | None, Security(bearer_auth)],
    x_iaa_ow_id: Annotated[str | None, Security(ow_id_header)],
) -> Principal:
    """Bearer token + X-IAA-OW-ID: 401 for a bad token, 403 for an organization not the user's or an application
    the user was not given (`auth.apps`)."""
    return _principal(session, authorization, x_iaa_ow_id, required=True, path=request.url.path)


def get_principal_default_org(
    request: Request,
    session: SessionDep,
    authorization: Annotated[str | None, Security(bearer_auth)],
    x_iaa_ow_id: Annotated[str | None, Security(ow_id_header)],
) -> Principal:
    """As get_principal, but falls back to the organization chosen at login (profile endpoints)."""
    return _principal(session, authorization, x_iaa_ow_id, required=False, path=request.url.path)


def require_workspace_admin(principal: Annotated[Principal, Depends(get_principal)]) -> Principal:
    if not principal.is_workspace_admin:
        raise Forbidden("Only workspace admins may do this.")
    return principal


PrincipalDep = Annotated[Principal, Depends(get_principal)]
WorkspaceAdminDep = Annotated[Principal, Depends(require_workspace_admin)]
