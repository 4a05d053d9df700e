"""The caller as FastAPI dependencies: a bearer token + X-IAA-OW-ID resolved to a `Principal`
(`PrincipalDep`), or one who must be a workspace admin (`WorkspaceAdminDep`). Every domain's endpoints
use these; they live in auth because resolving a token reads auth's tables."""

from __future__ import annotations

from typing import Annotated, NoReturn

from fastapi import Depends, Request, Security
from sqlalchemy.orm import Session
from starlette.concurrency import run_in_threadpool

from adplane.auth import apps, callers, epoch
from adplane.auth import repository as auth_repo
from adplane.auth.models import ORG_STATUS_ACTIVE, USER_STATUS_ACTIVE, USER_STATUS_DELETED, Organization, User
from adplane.auth.service import check_access_token
from adplane.core.clock import as_utc, utcnow
from adplane.core.db import Database
from adplane.core.deps import Principal, bearer_token, parse_ow_id
from adplane.core.errors import Forbidden, Unauthorized, ValidationFailed
from adplane.core.openapi import bearer_auth, ow_id_header
from adplane.core.security import digest_secret


async def _caller(request: Request, authorization: str | None, ow_header: str | None, required: bool) -> Principal:
    """The caller, from the cache while the auth epoch stands (`auth.callers`), else resolved and cached.

    A hit costs one index-only read on the event loop's own connection (`Database.loop_engine`) and no
    thread-pool hop; a miss resolves in the thread pool."""
    db: Database = request.app.state.db
    access = bearer_token(authorization)
    requested_ow_id = parse_ow_id(ow_header, required=required)
    key = (digest_secret(access), requested_ow_id)
    with db.loop_engine.connect() as conn:
        current_epoch = epoch.read(conn)  # read before resolving: a change meanwhile moves it past us
    cached = callers.cache_for(db.engine).get(key, current_epoch, utcnow())
    path = request.url.path
    if cached is not None:
        apps.check_path(cached.allowed_app_ids, path)
        return cached.principal
    return await run_in_threadpool(_resolve, db, access, requested_ow_id, key, current_epoch, path)


def _resolve(db: Database, access: str, requested_ow_id: int | None, key: tuple[str, int | None],
             current_epoch: int, path: str) -> Principal:
    with db.session() as session:
        return _resolve_in(session, access, requested_ow_id, key, current_epoch, path)


def _resolve_in(session: Session, access: str, requested_ow_id: int | None, key: tuple[str, int | None],
                current_epoch: int, path: str) -> Principal:
    token = check_access_token(session, access)
    ow_id = requested_ow_id or token.ow_id
    if ow_id is None:
        raise ValidationFailed("X-IAA-OW-ID header is required", field="X-IAA-OW-ID")
    membership = auth_repo.membership(session, token.user_id, ow_id)
    org = session.get(Organization, ow_id)
    if membership is None or org is None or org.workspace_id != token.workspace_id \
            or membership.status == USER_STATUS_DELETED:
        raise Forbidden("User is not allowed to access the provided organization.", field="X-IAA-OW-ID")
    if membership.status != USER_STATUS_ACTIVE:
        _refuse_inactive(token.ow_id == ow_id)
    granted = apps.granted_app_ids(session, membership)
    apps.check_path(granted, path)
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
    principal = Principal(
        user_id=user.id,
        email=user.email,
        ow_id=ow_id,
        uow_id=membership.uow_id,
        role=membership.role,
        workspace_id=token.workspace_id,
        is_workspace_admin=is_ws_admin,
        token_id=token.id,
    )
    callers.cache_for(session.get_bind()).put(key, callers.CachedCaller(  # type: ignore[arg-type]
        principal, current_epoch, as_utc(token.access_expires_at), granted))
    return principal


def _refuse_inactive(own_session: bool) -> NoReturn:
    """A deactivated user: the session issued for that organization is over (401, log in again); a
    session of another organization where the user is still active is just not allowed here (403)."""
    if own_session:
        raise Unauthorized("The user is deactivated in this organization.")
    raise Forbidden("The user is deactivated in the provided organization.", field="X-IAA-OW-ID")


async def get_principal(
    request: Request,
    authorization: Annotated[str | None, Security(bearer_auth)],
    x_iaa_ow_id: Annotated[str | None, Security(ow_id_header)],
) -> Principal:
    """Bearer token + X-IAA-OW-ID: 401 for a bad token, 403 for an organization not the user's or an application
    the user was not given (`auth.apps`).

    Independent of the endpoint's session: an endpoint that needs only the caller (static lists) opens none."""
    return await _caller(request, authorization, x_iaa_ow_id, required=True)


async def get_principal_default_org(
    request: Request,
    authorization: Annotated[str | None, Security(bearer_auth)],
    x_iaa_ow_id: Annotated[str | None, Security(ow_id_header)],
) -> Principal:
    """As get_principal, but falls back to the organization chosen at login (profile endpoints)."""
    return await _caller(request, authorization, x_iaa_ow_id, required=False)


async def require_workspace_admin(principal: Annotated[Principal, Depends(get_principal)]) -> Principal:
    if not principal.is_workspace_admin:
        raise Forbidden("Only workspace admins may do this.")
    return principal


PrincipalDep = Annotated[Principal, Depends(get_principal)]
WorkspaceAdminDep = Annotated[Principal, Depends(require_workspace_admin)]
