"""Operator actions: bootstrap a workspace, add users, rotate client secrets."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from adplane.auth import invitations
from adplane.auth import repository as repo
from adplane.auth.models import (
    CONSOLE_CLIENT_NAME,
    ROLE_ADMIN,
    USER_STATUS_ACTIVE,
    USER_STATUS_DELETED,
    ClientApp,
    Membership,
    Organization,
    User,
    Workspace,
)
from adplane.auth.service import add_membership, create_organization
from adplane.core.clock import as_utc
from adplane.core.errors import NotFound, ValidationFailed
from adplane.core.security import digest_secret, hash_password, new_client_id, new_client_secret
from adplane.core.settings import Settings


@dataclass
class BootstrapResult:
    host: str
    ow_id: int
    uow_id: int
    client_id: str
    client_secret: str | None
    workspace_created: bool
    is_workspace_admin: bool
    open_sign_up: bool = False

    def as_dict(self) -> dict[str, Any]:
        return {
            "host": self.host,
            "owId": self.ow_id,
            "uowId": self.uow_id,
            "clientId": self.client_id,
            "clientSecret": self.client_secret,
            "workspaceCreated": self.workspace_created,
            "isWorkspaceAdmin": self.is_workspace_admin,
            "openSignUp": self.open_sign_up,
        }


def bootstrap(
    session: Session,
    *,
    host: str,
    email: str,
    password: str,
    organization: str,
    rotate_secret: bool = False,
    open_sign_up: bool | None = None,
) -> BootstrapResult:
    """Create, or find again, the workspace, organization, admin user and client application.
    A new workspace has open sign-up off unless `open_sign_up`; None leaves an existing one as is."""
    host = host.strip().lower()
    email = email.strip().lower()
    if not host:
        raise ValidationFailed("host is required", field="host")
    if "@" not in email:
        raise ValidationFailed("email is not valid", field="email")
    if not password:
        raise ValidationFailed("password is required", field="password")
    workspace = repo.workspace_by_host(session, host)
    created = workspace is None
    if workspace is None:
        workspace = Workspace(host=host, name=host, open_sign_up=bool(open_sign_up))
        session.add(workspace)
        session.flush()
    elif open_sign_up is not None:
        workspace.open_sign_up = open_sign_up
    org = session.scalar(
        select(Organization).where(Organization.workspace_id == workspace.id, Organization.name == organization)
    )
    if org is None:
        org = create_organization(session, workspace, organization, is_workspace_owner=created)
    user = repo.user_by_email(session, email)
    if user is None:
        user = User(email=email, password_hash=hash_password(password))
        session.add(user)
        session.flush()
    member = repo.membership(session, user.id, org.ow_id) or add_membership(session, user.id, org.ow_id, ROLE_ADMIN)
    app = session.scalar(
        select(ClientApp)
        .where(ClientApp.workspace_id == workspace.id, ClientApp.name != CONSOLE_CLIENT_NAME)
        .order_by(ClientApp.id)
    )
    secret: str | None = None
    if app is None:
        secret = new_client_secret()
        app = ClientApp(
            workspace_id=workspace.id, name=f"{host} API client", client_id=new_client_id(),
            secret_digest=digest_secret(secret),
        )
        session.add(app)
    elif rotate_secret:
        secret = new_client_secret()
        app.secret_digest = digest_secret(secret)
    session.commit()
    owner = repo.workspace_owner_org(session, workspace.id)
    owner_member = repo.membership(session, user.id, owner.ow_id) if owner else None
    return BootstrapResult(
        host=host,
        ow_id=org.ow_id,
        uow_id=member.uow_id,
        client_id=app.client_id,
        client_secret=secret,
        workspace_created=created,
        is_workspace_admin=owner_member is not None and owner_member.role == ROLE_ADMIN,
        open_sign_up=workspace.open_sign_up,
    )


def add_user(
    session: Session,
    *,
    ow_id: int,
    email: str,
    password: str | None,
    role: str,
    first_name: str | None = None,
    last_name: str | None = None,
    settings: Settings | None = None,
    invited_by_user_id: int | None = None,
    keep_role: bool = False,
) -> dict[str, Any]:
    """Add a user to an organization. A user who has no password yet (a new one added without a
    password, or an earlier invitee) is invited: an invite token is mailed (needs `settings`), and
    inviting again cancels the earlier token. `keep_role`: an existing member keeps their role (an
    admin's invitation must not demote another admin or the owner)."""
    from adplane.auth.organizations import get_org

    if role not in ("admin", "member"):
        raise ValidationFailed("role must be 'admin' or 'member'", field="role")
    org = get_org(session, ow_id)
    email = email.strip().lower()
    user = repo.user_by_email(session, email)
    if user is None:
        user = User(email=email, password_hash=hash_password(password) if password else None,
                    first_name=first_name, last_name=last_name)
        session.add(user)
        session.flush()
    member = repo.membership(session, user.id, org.ow_id)
    if member is None:
        member = add_membership(session, user.id, org.ow_id, role)
    else:
        if not keep_role:
            member.role = role
        if member.status == USER_STATUS_DELETED:  # removed earlier (or invitation revoked): added again
            member.status, member.status_reason = USER_STATUS_ACTIVE, None
    pending = None
    if user.password_hash is None:
        if settings is None:
            raise TypeError("settings are needed to mail an invitation")
        pending = invitations.create(session, settings, user=user, org=org, invited_by_user_id=invited_by_user_id)
    session.commit()
    result: dict[str, Any] = {"owId": org.ow_id, "uowId": member.uow_id, "email": user.email, "role": member.role,
                              "invited": pending is not None}
    if pending is not None:
        assert settings is not None
        invitation, token = pending
        result["invitationExpiresAt"] = as_utc(invitation.expires_at).isoformat()
        result["invitationSentVia"] = invitations.send(settings, session, invitation, token)
    return result


def set_sign_up_policy(session: Session, host: str, open_sign_up: bool | None) -> dict[str, Any]:
    """Open or close sign-up (new e-mails creating their own organization) for a workspace;
    None only reports it."""
    workspace = repo.workspace_by_host(session, host)
    if workspace is None:
        raise NotFound(f"Workspace {host} not found", field="host")
    if open_sign_up is not None:
        workspace.open_sign_up = open_sign_up
        session.commit()
    return {"host": workspace.host, "openSignUp": workspace.open_sign_up}


def set_role(session: Session, *, ow_id: int, email: str, role: str) -> dict[str, Any]:
    """An operator changes a member's role in one organization (IQM's API has no role operation; roles are
    otherwise given at invitation). An organization keeps at least one active admin. Cached callers see
    the new role on their next request (the membership change moves the auth epoch)."""
    from adplane.auth.organizations import get_org

    if role not in ("admin", "member"):
        raise ValidationFailed("role must be 'admin' or 'member'", field="role")
    org = get_org(session, ow_id)
    user = repo.user_by_email(session, email.strip().lower())
    member = repo.membership(session, user.id, org.ow_id) if user is not None else None
    if user is None or member is None:
        raise NotFound(f"{email} is not a member of organization {ow_id}.", field="email")
    if member.role == ROLE_ADMIN and role != ROLE_ADMIN:
        admins = session.scalar(select(func.count()).select_from(Membership).where(
            Membership.ow_id == org.ow_id, Membership.role == ROLE_ADMIN, Membership.status == USER_STATUS_ACTIVE,
            Membership.uow_id != member.uow_id))
        if not admins:
            raise ValidationFailed("The organization must keep at least one active admin.", field="role")
    member.role = role
    session.commit()
    return {"owId": org.ow_id, "uowId": member.uow_id, "email": user.email, "role": role}
