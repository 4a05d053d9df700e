"""SQL for tenancy and credentials. Tenant-scoped lookups always carry the workspace or owId."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import ColumnElement, String, and_, case, func, literal, select, update
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.orm import Session
from sqlalchemy.sql.functions import FunctionElement

from adplane.auth.models import (
    ROLE_ADMIN,
    USER_STATUS_ACTIVE,
    USER_STATUS_DELETED,
    USER_STATUS_INVITED,
    AuthToken,
    ClientApp,
    Membership,
    Organization,
    User,
    Workspace,
)
from adplane.core.clock import utcnow
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
        .where(Membership.user_id == user_id, Organization.workspace_id == workspace_id,
               Membership.status != USER_STATUS_DELETED)
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


def owner_uow_id(session: Session, ow_id: int) -> int | None:
    """The organization's owner: its first admin (the one `org_admin_email` reports)."""
    return session.scalar(
        select(func.min(Membership.uow_id)).where(Membership.ow_id == ow_id, Membership.role == ROLE_ADMIN)
    )


def revoke_tokens(session: Session, user_id: int, *, ow_id: int | None = None,
                  keep_token_id: int | None = None) -> int:
    """Revoke the user's live token pairs (those issued for `ow_id` only, when given), but `keep_token_id`;
    the caller commits. Revoked access and refresh tokens are refused from the next request on."""
    conditions = [AuthToken.user_id == user_id, AuthToken.revoked_at.is_(None)]
    if ow_id is not None:
        conditions.append(AuthToken.ow_id == ow_id)
    if keep_token_id is not None:
        conditions.append(AuthToken.id != keep_token_id)
    result = session.execute(
        update(AuthToken).where(*conditions).values(revoked_at=utcnow()).execution_options(synchronize_session=False)
    )
    return int(result.rowcount)  # type: ignore[attr-defined]


# --------------------------------------------------------------------------- user rows in SQL


class email_local_part(FunctionElement[str]):  # noqa: N801 (an SQL function's name)
    """The part of an e-mail before its '@', in SQL (SQLite and PostgreSQL spell it differently)."""

    type = String()
    inherit_cache = True


@compiles(email_local_part)
def _email_local_part_sqlite(element: Any, compiler: Any, **kw: Any) -> str:
    email = compiler.process(list(element.clauses)[0], **kw)
    return f"substr({email}, 1, instr({email}, '@') - 1)"


@compiles(email_local_part, "postgresql")
def _email_local_part_postgresql(element: Any, compiler: Any, **kw: Any) -> str:
    return f"split_part({compiler.process(list(element.clauses)[0], **kw)}, '@', 1)"


def display_name_sql() -> ColumnElement[str]:
    """The name a user is shown by: the chosen display name, else "first last", else the e-mail's local
    part; the same rule as `display_name` (lists sort and search by it in SQL)."""
    full = func.trim(func.coalesce(User.first_name, "") + literal(" ") + func.coalesce(User.last_name, ""))
    return func.coalesce(func.nullif(func.trim(User.display_name), ""), func.nullif(full, ""),
                         email_local_part(User.email))


def display_name(user: User) -> str:
    chosen = (user.display_name or "").strip(" ")  # SQL's trim() strips spaces only
    full = f"{user.first_name or ''} {user.last_name or ''}".strip(" ")
    return chosen or full or user.email.split("@")[0]


def user_status_sql() -> ColumnElement[int]:
    """IQM's status id of a membership row: the stored one, or invited for a user without a password."""
    invited = and_(User.password_hash.is_(None), Membership.status == USER_STATUS_ACTIVE)
    return case((invited, literal(USER_STATUS_INVITED)), else_=Membership.status)


def user_status(user: User, membership: Membership) -> int:
    if user.password_hash is None and membership.status == USER_STATUS_ACTIVE:
        return USER_STATUS_INVITED
    return membership.status
