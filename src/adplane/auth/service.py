"""Login, tokens and the tenancy rules behind them."""

from __future__ import annotations

import base64
import binascii
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

import structlog
from sqlalchemy import update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from adplane.auth import invitations, throttle
from adplane.auth import repository as repo
from adplane.auth.models import (
    ORG_STATUS_ACTIVE,
    ROLE_ADMIN,
    USER_STATUS_ACTIVE,
    USER_STATUS_ON_HOLD,
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

log = structlog.get_logger("adplane.auth")

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
    session: Session,
    settings: Settings,
    *,
    user_id: int,
    workspace_id: int,
    client_app_id: int,
    ow_id: int | None,
    family_id: str | None = None,
) -> dict[str, Any]:
    """A new pair; `family_id` continues a refreshed login's family, None starts a new one."""
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
        family_id=family_id or secrets.token_hex(16),
    )
    session.add(token)
    session.flush()
    return _token_response(token, access, refresh, settings)


def _choose_organization(session: Session, user: User, workspace: Workspace) -> Organization:
    """The first organization of the user in this workspace where both the organization and the user's
    membership are active. Otherwise the seed's on-hold 400: the user's own hold (deactivated, with the
    admin's reason) first, else the organization's; no membership left (deleted) is the login 403."""
    memberships = repo.memberships_in_workspace(session, user.id, workspace.id)
    if not memberships:
        raise Forbidden(LOGIN_REJECTED)
    for membership, org in memberships:
        if membership.status == USER_STATUS_ACTIVE and org.status == ORG_STATUS_ACTIVE:
            return org
    held_user = next(((m, o) for m, o in memberships if m.status == USER_STATUS_ON_HOLD), None)
    if held_user is not None:
        membership, org = held_user
        raise _on_hold(membership.status_reason or "The user is on hold.", org.support_email)
    held = memberships[0][1]
    raise _on_hold(held.hold_reason or "The account is on hold.", held.support_email)


def _on_hold(reason: str, support_email: str | None) -> BadRequest:
    return BadRequest(
        ON_HOLD_ERROR["error"],
        errors=[dict(ON_HOLD_ERROR)],
        data={"status": "On Hold", "reason": reason, "supportEmail": support_email or ""},
    )


def _membership_is_active(session: Session, user_id: int, ow_id: int | None) -> bool:
    """Whether a session of `user_id` for `ow_id` may go on (refresh): its membership is active."""
    if ow_id is None:
        return True
    membership = repo.membership(session, user_id, ow_id)
    return membership is not None and membership.status == USER_STATUS_ACTIVE


def password_login(
    session: Session,
    settings: Settings,
    client: ClientContext,
    email: str,
    password: str,
    address: str,
) -> dict[str, Any]:
    """Check a password under the throttle: the attempt is counted before the check (so parallel
    guesses cannot outrun the limit) and given back when it succeeds."""
    rules = throttle.login_rules(settings, client.workspace.id, email, address)
    throttle.reserve(session, rules)
    user = repo.user_by_email(session, email)
    password_ok = verify_password(user.password_hash if user else None, password)
    if user is None or not password_ok or not repo.memberships_in_workspace(session, user.id, client.workspace.id):
        raise Forbidden(LOGIN_REJECTED)
    throttle.release(session, rules, clear={rules[-1].key})
    session.commit()
    org = _choose_organization(session, user, client.workspace)
    return _signed_in(session, settings, client, user, org)


def _signed_in(session: Session, settings: Settings, client: ClientContext, user: User,
               org: Organization) -> dict[str, Any]:
    """A new token pair for `user` in `org` (login, sign-up, accepted invitation), committed."""
    response = issue_tokens(session, settings, user_id=user.id, workspace_id=client.workspace.id,
                            client_app_id=client.client_app.id, ow_id=org.ow_id)
    session.commit()
    return response


def refresh(session: Session, settings: Settings, client: ClientContext, refresh_token: str) -> dict[str, Any]:
    """Rotate: the presented refresh token stops working and a new pair is issued.

    The rotation is one conditional UPDATE (`WHERE rotated_at IS NULL AND revoked_at IS NULL`,
    checked by its row count), so of N parallel refreshes of one token exactly one wins on every
    backend. Presenting a token that was already rotated is reuse (RFC 6819 5.2.2.3, OAuth 2.0
    Security BCP 4.14): its whole family is revoked, unless the rotation happened less than
    `refresh_reuse_grace_seconds` ago (then only this request is refused)."""
    invalid = Unauthorized("Invalid or expired refresh token.", field="refresh_token", headers={})
    token = repo.token_by_refresh(session, refresh_token)
    now = utcnow()
    if token is None or token.workspace_id != client.workspace.id:
        raise invalid
    if token.rotated_at is not None:
        _reused(session, settings, token, now)
        raise invalid
    if token.revoked_at is not None or as_utc(token.refresh_expires_at) <= now:
        raise invalid
    if not _membership_is_active(session, token.user_id, token.ow_id):
        raise invalid  # deactivated or removed since login (their tokens were revoked then, too)
    claimed = session.execute(
        update(AuthToken)
        .where(AuthToken.id == token.id, AuthToken.rotated_at.is_(None), AuthToken.revoked_at.is_(None))
        .values(rotated_at=now, revoked_at=now)
        .execution_options(synchronize_session=False)
    )
    if claimed.rowcount != 1:  # type: ignore[attr-defined]
        # another request rotated (or logged out) this token between our read and our update
        session.rollback()
        session.refresh(token)
        if token.rotated_at is not None:
            _reused(session, settings, token, now)
        raise invalid
    response = issue_tokens(
        session,
        settings,
        user_id=token.user_id,
        workspace_id=token.workspace_id,
        client_app_id=client.client_app.id,
        ow_id=token.ow_id,
        family_id=token.family_id or f"legacy-{token.id}",
    )
    session.commit()
    return response


def _reused(session: Session, settings: Settings, token: AuthToken, now: datetime) -> None:
    """A rotated refresh token came back: revoke every live token of its family (and commit)."""
    rotated_at = as_utc(token.rotated_at) if token.rotated_at is not None else now
    if now - rotated_at < timedelta(seconds=max(0, settings.refresh_reuse_grace_seconds)):
        return
    family = token.family_id or f"legacy-{token.id}"
    revoked = session.execute(
        update(AuthToken)
        .where(AuthToken.family_id == family, AuthToken.revoked_at.is_(None))
        .values(revoked_at=now)
        .execution_options(synchronize_session=False)
    ).rowcount  # type: ignore[attr-defined]
    session.commit()
    log.warning("refresh_token_reused", token_id=token.id, user_id=token.user_id, revoked_tokens=revoked)


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
    *,
    invite_hash: str | None = None,
    address: str = "unknown",
) -> dict[str, Any]:
    """With `invite_hash`: the invited user sets a password (the invitation's e-mail, workspace, not
    used, not expired). Without: open sign-up, when the workspace allows it, gives a new e-mail its
    own organization (a limited number per client address and window). Every refusal is the same
    403, so neither whether an e-mail exists nor whether a hash is real can be learnt here."""
    enforce_password_rules(password)
    email = email.strip().lower()
    if invite_hash is not None:
        return _accept_invitation(session, settings, client, email, password, invite_hash)
    if not client.workspace.open_sign_up:
        raise invitations.refused()
    throttle.reserve(session, [throttle.Rule(
        f"sign-up:{address}", settings.sign_up_max_per_address, settings.sign_up_window_seconds,
        settings.sign_up_window_seconds, message="Too many sign-ups from this address. Try again later.",
    )])
    if repo.user_by_email(session, email) is not None:
        raise invitations.refused()
    user = User(email=email, password_hash=hash_password(password))
    session.add(user)
    try:
        session.flush()  # a parallel sign-up of the same e-mail loses here
    except IntegrityError:
        session.rollback()
        raise invitations.refused() from None
    org = create_organization(session, client.workspace, organization_name or email.split("@")[0])
    add_membership(session, user.id, org.ow_id, ROLE_ADMIN)
    return _signed_in(session, settings, client, user, org)


def _accept_invitation(
    session: Session, settings: Settings, client: ClientContext, email: str, password: str, invite_hash: str
) -> dict[str, Any]:
    invitation = invitations.claim(session, invite_hash, workspace_id=client.workspace.id, email=email)
    user = session.get(User, invitation.user_id)
    membership = repo.membership(session, invitation.user_id, invitation.ow_id)
    if user is None or user.password_hash is not None or membership is None or membership.status != USER_STATUS_ACTIVE:
        session.rollback()
        raise invitations.refused()
    user.password_hash = hash_password(password)
    org = session.get(Organization, invitation.ow_id)
    if org is None or org.status != ORG_STATUS_ACTIVE:
        org = _choose_organization(session, user, client.workspace)
    return _signed_in(session, settings, client, user, org)


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
