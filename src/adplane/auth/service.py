"""Login, tokens and the tenancy rules behind them."""

from __future__ import annotations

import base64
import binascii
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from sqlalchemy.orm import Session

from adplane.auth import repository as repo
from adplane.auth import throttle
from adplane.auth.models import (
    ORG_STATUS_ACTIVE,
    ROLE_ADMIN,
    AuthToken,
    ClientApp,
    Membership,
    Organization,
    User,
    Workspace,
)
from adplane.auth.passwords import enforce as enforce_password_rules
from adplane.core.clock import as_utc, utcnow
from adplane.core.errors import BadRequest, Forbidden, Unauthorized, ValidationFailed
from adplane.core.security import (
    digest_secret,
    hash_password,
    new_token,
    secret_matches,
    verify_password,
)
from adplane.core.settings import Settings

LOGIN_REJECTED = "User doesn't exist or user is not allowed to provided workspace."
ON_HOLD_ERROR = {
    "error": "User is not allowed to access provided customer",
    "reason": "User is not associated with any active organization.",
}


@dataclass
class ClientContext:
    workspace: Workspace
    client_app: ClientApp


def parse_basic_credentials(authorization: str | None) -> tuple[str, str]:
    if not authorization or not authorization.lower().startswith("basic "):
        raise Unauthorized("Client credentials are required (Authorization: Basic).", headers={})
    try:
        decoded = base64.b64decode(authorization[6:].strip(), validate=True).decode()
    except (binascii.Error, UnicodeDecodeError):
        raise Unauthorized("Client credentials are malformed.", headers={}) from None
    client_id, sep, client_secret = decoded.partition(":")
    if not sep or not client_id or not client_secret:
        raise Unauthorized("Client credentials are malformed.", headers={})
    return client_id, client_secret


def authenticate_client(session: Session, authorization: str | None, host: str | None) -> ClientContext:
    client_id, client_secret = parse_basic_credentials(authorization)
    if not host or not host.strip():
        raise ValidationFailed("X-IAA-HOST header is required", field="X-IAA-HOST")
    app = repo.client_app_by_client_id(session, client_id)
    if app is None or app.revoked_at is not None or not secret_matches(app.secret_digest, client_secret):
        raise Unauthorized("Invalid client credentials.", headers={})
    workspace = repo.workspace_by_host(session, host)
    if workspace is None or workspace.id != app.workspace_id:
        raise Unauthorized("Client is not allowed for the provided workspace.", headers={})
    return ClientContext(workspace=workspace, client_app=app)


def _token_response(token: AuthToken, access: str, refresh: str, settings: Settings) -> dict[str, Any]:
    return {
        "access_token": access,
        "refresh_token": refresh,
        "scope": token.scope,
        "token_type": "bearer",
        "expires_in": settings.access_token_ttl_seconds,
        "owId": token.ow_id,
    }


def issue_tokens(
    session: Session, settings: Settings, *, user_id: int, workspace_id: int, client_app_id: int, ow_id: int | None
) -> dict[str, Any]:
    now = utcnow()
    access, refresh = new_token(), new_token()
    token = AuthToken(
        access_digest=digest_secret(access),
        refresh_digest=digest_secret(refresh),
        user_id=user_id,
        workspace_id=workspace_id,
        client_app_id=client_app_id,
        ow_id=ow_id,
        access_expires_at=now + timedelta(seconds=settings.access_token_ttl_seconds),
        refresh_expires_at=now + timedelta(seconds=settings.refresh_token_ttl_seconds),
        created_at=now,
    )
    session.add(token)
    session.flush()
    return _token_response(token, access, refresh, settings)


def _choose_organization(session: Session, user: User, workspace: Workspace) -> Organization:
    """The first active organization of the user in this workspace; on-hold orgs get the seed's 400."""
    memberships = repo.memberships_in_workspace(session, user.id, workspace.id)
    if not memberships:
        raise Forbidden(LOGIN_REJECTED)
    for _membership, org in memberships:
        if org.status == ORG_STATUS_ACTIVE:
            return org
    held = memberships[0][1]
    raise BadRequest(
        ON_HOLD_ERROR["error"],
        errors=[dict(ON_HOLD_ERROR)],
        data={
            "status": "On Hold",
            "reason": held.hold_reason or "The account is on hold.",
            "supportEmail": held.support_email or "",
        },
    )


def password_login(
    session: Session,
    settings: Settings,
    client: ClientContext,
    email: str,
    password: str,
    address: str | None,
) -> dict[str, Any]:
    account_key = throttle.account_key(client.workspace.id, email)
    address_key = throttle.address_key(address)
    throttle.ensure_not_locked(session, [account_key, address_key])
    user = repo.user_by_email(session, email)
    password_ok = verify_password(user.password_hash if user else None, password)
    if user is None or not password_ok or not repo.memberships_in_workspace(session, user.id, client.workspace.id):
        throttle.record_failure(session, settings, account_key, settings.login_max_failures_per_account)
        throttle.record_failure(session, settings, address_key, settings.login_max_failures_per_address)
        session.commit()
        raise Forbidden(LOGIN_REJECTED)
    org = _choose_organization(session, user, client.workspace)
    throttle.clear(session, account_key)
    response = issue_tokens(
        session,
        settings,
        user_id=user.id,
        workspace_id=client.workspace.id,
        client_app_id=client.client_app.id,
        ow_id=org.ow_id,
    )
    session.commit()
    return response


def refresh(session: Session, settings: Settings, client: ClientContext, refresh_token: str) -> dict[str, Any]:
    """Rotate: the presented refresh token stops working and a new pair is issued."""
    token = repo.token_by_refresh(session, refresh_token)
    now = utcnow()
    if (
        token is None
        or token.revoked_at is not None
        or as_utc(token.refresh_expires_at) <= now
        or token.workspace_id != client.workspace.id
    ):
        raise Unauthorized("Invalid or expired refresh token.", field="refresh_token", headers={})
    token.revoked_at = now
    response = issue_tokens(
        session,
        settings,
        user_id=token.user_id,
        workspace_id=token.workspace_id,
        client_app_id=client.client_app.id,
        ow_id=token.ow_id,
    )
    session.commit()
    return response


def revoke(session: Session, token: AuthToken) -> None:
    token.revoked_at = utcnow()
    session.commit()


def sign_up(
    session: Session,
    settings: Settings,
    client: ClientContext,
    email: str,
    password: str,
    organization_name: str | None,
) -> dict[str, Any]:
    """Invited users (no password yet) set theirs; a new e-mail gets its own organization."""
    enforce_password_rules(password)
    email = email.strip().lower()
    user = repo.user_by_email(session, email)
    if user is not None:
        memberships = repo.memberships_in_workspace(session, user.id, client.workspace.id)
        if user.password_hash is not None or not memberships:
            raise Forbidden(
                "User is not allowed to create a password.",
                reason="User is not invited or invitation is processed or invitation is expired.",
            )
        user.password_hash = hash_password(password)
        org = _choose_organization(session, user, client.workspace)
    else:
        user = User(email=email, password_hash=hash_password(password))
        session.add(user)
        org = create_organization(session, client.workspace, organization_name or email.split("@")[0])
        session.flush()
        add_membership(session, user.id, org.ow_id, ROLE_ADMIN)
    session.flush()
    response = issue_tokens(
        session,
        settings,
        user_id=user.id,
        workspace_id=client.workspace.id,
        client_app_id=client.client_app.id,
        ow_id=org.ow_id,
    )
    session.commit()
    return response


def create_organization(
    session: Session, workspace: Workspace, name: str, *, is_workspace_owner: bool = False
) -> Organization:
    from adplane.core.db import first_id_on_sqlite

    org = Organization(
        workspace_id=workspace.id,
        name=name,
        status=ORG_STATUS_ACTIVE,
        is_workspace_owner=is_workspace_owner,
    )
    first = first_id_on_sqlite(session, Organization.ow_id, 200001)
    if first is not None:
        org.ow_id = first
    session.add(org)
    session.flush()
    return org


def add_membership(session: Session, user_id: int, ow_id: int, role: str) -> Membership:
    from adplane.core.db import first_id_on_sqlite

    member = Membership(user_id=user_id, ow_id=ow_id, role=role)
    first = first_id_on_sqlite(session, Membership.uow_id, 100001)
    if first is not None:
        member.uow_id = first
    session.add(member)
    session.flush()
    return member


def check_access_token(session: Session, access_token: str) -> AuthToken:
    token = repo.token_by_access(session, access_token)
    if token is None or token.revoked_at is not None:
        raise Unauthorized("Invalid access token.")
    if as_utc(token.access_expires_at) <= utcnow():
        raise Unauthorized("Access token has expired.")
    return token
