"""SQL for tenancy and credentials. Tenant-scoped lookups always carry the workspace or owId."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import select
from sqlalchemy.orm import Session

from adplane.auth.models import (
    AuthToken,
    ClientApp,
    Membership,
    Organization,
    User,
    Workspace,
)
from adplane.core.security import digest_secret


def workspace_by_host(session: Session, host: str) -> Workspace | None:
    return session.scalar(select(Workspace).where(Workspace.host == host.strip().lower()))


def client_app_by_client_id(session: Session, client_id: str) -> ClientApp | None:
    return session.scalar(select(ClientApp).where(ClientApp.client_id == client_id))


def user_by_email(session: Session, email: str) -> User | None:
    return session.scalar(select(User).where(User.email == email.strip().lower()))


def memberships_in_workspace(
    session: Session, user_id: int, workspace_id: int
) -> Sequence[tuple[Membership, Organization]]:
    stmt = (
        select(Membership, Organization)
        .join(Organization, Organization.ow_id == Membership.ow_id)
        .where(Membership.user_id == user_id, Organization.workspace_id == workspace_id)
        .order_by(Membership.uow_id)
    )
    return [(m, o) for m, o in session.execute(stmt).all()]


def membership(session: Session, user_id: int, ow_id: int) -> Membership | None:
    return session.scalar(select(Membership).where(Membership.user_id == user_id, Membership.ow_id == ow_id))


def token_by_access(session: Session, access_token: str) -> AuthToken | None:
    return session.scalar(select(AuthToken).where(AuthToken.access_digest == digest_secret(access_token)))


def token_by_refresh(session: Session, refresh_token: str) -> AuthToken | None:
    return session.scalar(select(AuthToken).where(AuthToken.refresh_digest == digest_secret(refresh_token)))


def workspace_owner_org(session: Session, workspace_id: int) -> Organization | None:
    return session.scalar(
        select(Organization)
        .where(Organization.workspace_id == workspace_id, Organization.is_workspace_owner.is_(True))
        .order_by(Organization.ow_id)
    )


def org_admin_email(session: Session, ow_id: int) -> str | None:
    return session.scalar(
        select(User.email)
        .join(Membership, Membership.user_id == User.id)
        .where(Membership.ow_id == ow_id, Membership.role == "admin")
        .order_by(Membership.uow_id)
    )
