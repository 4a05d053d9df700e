"""Invitations: a user without a password gets a single-use, expiring invite token by mail and
sets a password with it (POST /api/v3/ua/sign-up with `inviteHash`).

The token is `secrets.token_urlsafe(32)` (256 random bits) and only its SHA-256 digest is stored,
so the table alone cannot accept anything. Acceptance is one conditional UPDATE (`accepted_at IS
NULL`), so a token works once even under parallel use. Links are built from
`ADPLANE_PUBLIC_BASE_URL`, never from the request's Host header.
"""

from __future__ import annotations

import secrets
from datetime import datetime, timedelta
from email.message import EmailMessage
from typing import Any
from urllib.parse import urlencode

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from adplane.auth.models import Invitation, Organization, User, Workspace
from adplane.core.clock import as_utc, utcnow
from adplane.core.errors import ApiError, Forbidden, ValidationFailed
from adplane.core.security import digest_secret
from adplane.core.settings import Settings

INVITE_PATH = "/sign-up"  # the front end's page; it posts the hash to /api/v3/ua/sign-up
INCORRECT_HASH = "Provided invitation hash is incorrect."
NOT_ALLOWED = "User is not allowed to create a password."
NOT_INVITED = "User is not invited or invitation is processed or invitation is expired."


class InvitationNotSent(ApiError):
    """The invitation was stored but its mail was not accepted; inviting again sends a new one."""

    status_code = 503


def refused() -> Forbidden:
    """One answer for every refused sign-up, so it tells nothing about the e-mail or the hash."""
    return Forbidden(NOT_ALLOWED, reason=NOT_INVITED)


def create(session: Session, settings: Settings, *, user: User, org: Organization,
           invited_by_user_id: int | None = None) -> tuple[Invitation, str]:
    """A new invitation (cancelling the user's pending ones to the same organization) and its token."""
    now = utcnow()
    session.execute(
        update(Invitation)
        .where(Invitation.user_id == user.id, Invitation.ow_id == org.ow_id,
               Invitation.accepted_at.is_(None), Invitation.cancelled_at.is_(None))
        .values(cancelled_at=now)
        .execution_options(synchronize_session=False)
    )
    token = secrets.token_urlsafe(32)
    invitation = Invitation(
        token_digest=digest_secret(token), workspace_id=org.workspace_id, ow_id=org.ow_id, user_id=user.id,
        email=user.email, invited_by_user_id=invited_by_user_id, created_at=now,
        expires_at=now + timedelta(seconds=settings.invite_ttl_seconds),
    )
    session.add(invitation)
    session.flush()
    return invitation, token


def link(settings: Settings, token: str) -> str:
    return f"{settings.public_base_url.rstrip('/')}{INVITE_PATH}?{urlencode({'inviteHash': token})}"


def message(settings: Settings, *, workspace: Workspace, org: Organization, email: str, token: str,
            expires_at: datetime) -> EmailMessage:
    from adplane.mail.compose import compose

    url = link(settings, token)
    expiry = as_utc(expires_at).strftime("%Y-%m-%d %H:%M UTC")
    text = (
        f"You have been invited to {org.name} on {workspace.host}.\n\n"
        f"Set your password here: {url}\n\n"
        "Or through the API: POST /api/v3/ua/sign-up with your e-mail, a password and\n"
        f"\"inviteHash\": \"{token}\"\n\n"
        f"The invitation can be used once and expires on {expiry}. If you did not expect it, ignore this mail.\n"
    )
    return compose(settings, to=email, subject=f"You are invited to {org.name}", text=text)


def send(settings: Settings, session: Session, invitation: Invitation, token: str) -> str:
    """Mail the invitation (SMTP or the outbox); the delivery ("smtp" or the outbox file)."""
    from adplane.mail.sender import MailError
    from adplane.mail.sender import send as deliver

    org = session.get(Organization, invitation.ow_id)
    workspace = session.get(Workspace, invitation.workspace_id)
    assert org is not None and workspace is not None
    mail = message(settings, workspace=workspace, org=org, email=invitation.email, token=token,
                   expires_at=invitation.expires_at)
    try:
        return deliver(settings, mail)
    except MailError as exc:
        raise InvitationNotSent(f"The invitation mail to {invitation.email} could not be sent: {exc}",
                                field="email") from None


def find(session: Session, invite_hash: str) -> Invitation | None:
    return session.scalar(select(Invitation).where(Invitation.token_digest == digest_secret(invite_hash)))


def validate(session: Session, invite_hash: str) -> dict[str, Any]:
    """POST /api/v3/ua/invite/validate: the state of an invitation (422 for an unknown hash)."""
    invitation = find(session, invite_hash)
    if invitation is None:
        raise ValidationFailed(INCORRECT_HASH, field="inviteHash")
    org = session.get(Organization, invitation.ow_id)
    workspace = session.get(Workspace, invitation.workspace_id)
    user = session.get(User, invitation.user_id)
    assert org is not None and workspace is not None and user is not None
    return {
        "isExpired": as_utc(invitation.expires_at) <= utcnow(),
        "isInviteProcessed": invitation.accepted_at is not None,
        "isInviteCancelled": invitation.cancelled_at is not None,
        "isInviteProcessing": False,
        "isNewUser": user.password_hash is None,
        "isIHPCustomer": False,
        "email": invitation.email,
        "organizationName": org.name,
        "workspaceDomain": workspace.host,
        "invitedToWorkspace": workspace.host,
    }


def claim(session: Session, invite_hash: str, *, workspace_id: int, email: str) -> Invitation:
    """Mark the invitation accepted (in the caller's transaction) or refuse: unknown, another
    workspace's, another e-mail's, expired, cancelled or already used. Exactly one of parallel
    claims of one token succeeds."""
    invitation = find(session, invite_hash)
    now = utcnow()
    if (
        invitation is None
        or invitation.workspace_id != workspace_id
        or invitation.email != email.strip().lower()
        or invitation.accepted_at is not None
        or invitation.cancelled_at is not None
        or as_utc(invitation.expires_at) <= now
    ):
        raise refused()
    claimed = session.execute(
        update(Invitation)
        .where(Invitation.id == invitation.id, Invitation.accepted_at.is_(None), Invitation.cancelled_at.is_(None))
        .values(accepted_at=now)
        .execution_options(synchronize_session=False)
    )
    if claimed.rowcount != 1:  # type: ignore[attr-defined]
        session.rollback()
        raise refused()
    return invitation
