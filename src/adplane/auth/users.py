"""The users of an organization as its admins manage them (IQM's User Management API): the user list,
status changes (activate, put on hold, delete / revoke an invitation), invitations sent again, and the
e-mail check of the invite form.

Status lives on the membership (IQM's `uowId`): on hold and deleted take effect at once, since the
user's tokens for the organization are revoked in the same commit and every request and refresh
checks the membership (`adplane.auth.deps`, `service.refresh`); login refuses them too.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import case, func, literal, select, update
from sqlalchemy.orm import Session

from adplane.auth import invitations
from adplane.auth import repository as repo
from adplane.auth.models import (
    USER_STATUS_ACTIVE,
    USER_STATUS_DELETED,
    USER_STATUS_INVITED,
    USER_STATUS_ON_HOLD,
    USER_STATUS_PENDING,
    Invitation,
    Membership,
    Organization,
    User,
    Workspace,
)
from adplane.core.clock import to_epoch_ms, utcnow
from adplane.core.deps import Principal
from adplane.core.errors import ApiError, Forbidden, ValidationFailed
from adplane.core.listing import count, fetch_page, nulls_low, page_offset, parse_sort, where_search
from adplane.core.settings import Settings
from adplane.core.tenancy import get_scoped, scoped

# GET /api/v3/ua/static/user-status, as the specification's example has it (in `order`)
USER_STATUSES: list[dict[str, Any]] = [
    {"name": "pending", "id": USER_STATUS_PENDING, "label": "Pending", "order": 1},
    {"name": "active", "id": USER_STATUS_ACTIVE, "label": "Active", "order": 2},
    {"name": "invited", "id": USER_STATUS_INVITED, "label": "Invited", "order": 3},
    {"name": "on_hold", "id": USER_STATUS_ON_HOLD, "label": "On Hold", "order": 4},
    {"name": "deleted", "id": USER_STATUS_DELETED, "label": "Deleted", "order": 5},
]
STATUS_NAMES = {item["id"]: item["name"] for item in USER_STATUSES}

# GET /api/v3/ua/static/user-sort-by, as the specification's example has it
USER_SORT_BY: list[dict[str, Any]] = [
    {"label": "Status", "field": "status", "order": 1},
    {"label": "Number of Customers", "field": "customersCount", "order": 2},
    {"label": "Name", "field": "displayName", "order": 3},
]

DEFAULT_SORT = "+displayName"
STATUS_UPDATED = "User status updated successfully."
NOT_FOUND = "User not found."


# --------------------------------------------------------------------------- the list


def _sortable() -> dict[str, Any]:
    """Wire sort names → SQL; text case-insensitive, nullable columns with nulls low on both backends.
    No customers are assigned to users here, so `customersCount` is the same (0) on every row."""
    return {
        "displayName": func.lower(repo.display_name_sql()),
        "status": repo.user_status_sql(),
        "customersCount": case((Membership.uow_id.is_(None), literal(1)), else_=literal(0)),
        "email": User.email,
        "firstName": nulls_low(func.lower(User.first_name)),
        "lastName": nulls_low(func.lower(User.last_name)),
        "createdAt": User.created_at,
        "userId": User.id,
        "uowId": Membership.uow_id,
    }


def parse_status_filter(raw: str | None) -> list[int] | None:
    """`status`: comma-separated status ids (or names, e.g. `active,invited`); None means "not deleted"."""
    known = {str(status_id): status_id for status_id in STATUS_NAMES}
    known.update({name: status_id for status_id, name in STATUS_NAMES.items()})
    wanted: list[int] = []
    for part in (raw or "").split(","):
        part = part.strip().lower()
        if not part:
            continue
        if part not in known:
            raise ValidationFailed(f"status contains an unknown user status: {part[:40]!r}.", field="status")
        wanted.append(known[part])
    return wanted or None


def list_users(session: Session, principal: Principal, *, search: str | None, status: str | None,
               sort_by: str | None, order: str | None, page_no: int, no_of_entries: int) -> dict[str, Any]:
    """The organization's users: searched (name, e-mail, user id), filtered, sorted and paged in SQL."""
    sort = parse_sort(sort_by, _sortable(), DEFAULT_SORT, order=order)
    statuses = parse_status_filter(status)
    status_sql = repo.user_status_sql()
    base = scoped(Membership, principal.ow_id).join(User, User.id == Membership.user_id)
    total = count(session, base.where(Membership.status != USER_STATUS_DELETED))
    filtered = base.where(status_sql.in_(statuses) if statuses else Membership.status != USER_STATUS_DELETED)
    filtered = where_search(filtered, search, [repo.display_name_sql(), User.first_name, User.last_name,
                                               User.email], id_column=User.id)
    offset, limit = page_offset(page_no, no_of_entries)
    memberships, matching = fetch_page(session, filtered, sort, tiebreak=Membership.uow_id, offset=offset,
                                       limit=limit)
    return {"data": _rows(session, principal, memberships), "totalRecords": total, "filteredRecords": matching}


def _rows(session: Session, principal: Principal, memberships: Sequence[Membership]) -> list[dict[str, Any]]:
    if not memberships:
        return []
    users = {u.id: u for u in session.scalars(select(User).where(User.id.in_([m.user_id for m in memberships])))}
    invites = _latest_invitations(session, principal.ow_id, list(users))
    inviter_ids = {i.invited_by_user_id for i in invites.values() if i.invited_by_user_id is not None}
    inviters = {u.id: u for u in session.scalars(select(User).where(User.id.in_(inviter_ids)))} if inviter_ids else {}
    org = session.get(Organization, principal.ow_id)
    assert org is not None
    owner = repo.owner_uow_id(session, principal.ow_id)
    rows = []
    for membership in memberships:
        user = users[membership.user_id]
        invitation = invites.get(user.id)
        inviter = inviters.get(invitation.invited_by_user_id) if invitation and invitation.invited_by_user_id else None
        rows.append(_row(principal, membership, user, org, owner, invitation, inviter))
    return rows


def _latest_invitations(session: Session, ow_id: int, user_ids: list[int]) -> dict[int, Invitation]:
    latest: dict[int, Invitation] = {}
    for invitation in session.scalars(scoped(Invitation, ow_id).where(Invitation.user_id.in_(user_ids))
                                      .order_by(Invitation.id)):
        latest[invitation.user_id] = invitation
    return latest


def _row(principal: Principal, membership: Membership, user: User, org: Organization, owner_uow: int | None,
         invitation: Invitation | None, inviter: User | None) -> dict[str, Any]:
    status_id = repo.user_status(user, membership)
    is_owner = membership.uow_id == owner_uow
    manageable = principal.is_org_admin and status_id != USER_STATUS_DELETED
    row: dict[str, Any] = {
        "userId": user.id,
        "firstName": user.first_name,
        "lastName": user.last_name,
        "email": user.email,
        "displayName": repo.display_name(user),
        "status": STATUS_NAMES[status_id],
        "statusId": status_id,
        "userAvatar": user.avatar_url,
        "createdAt": to_epoch_ms(user.created_at),
        "uowId": membership.uow_id,
        "customersCount": 0,
        "organizationName": org.name,
        "invitedOn": to_epoch_ms(invitation.created_at) if invitation else None,
        "isOrganizationOwnerUser": is_owner,
        "isModificationAllowed": manageable and not is_owner and membership.uow_id != principal.uow_id,
        "invitedByUserName": repo.display_name(inviter) if inviter else None,
        "invitedByUserEmail": inviter.email if inviter else None,
        "isAssignActionAllowed": manageable and status_id == USER_STATUS_ACTIVE,
    }
    return {key: value for key, value in row.items() if value is not None}


# --------------------------------------------------------------------------- status


def _require_admin(principal: Principal, action: str) -> None:
    if not principal.is_org_admin:
        raise Forbidden(f"Only an organization admin can {action}.")


def _member(session: Session, principal: Principal, uow_id: int) -> tuple[Membership, User]:
    """A membership of the caller's organization (another organization's uowId is 404 like a missing one)."""
    membership = get_scoped(session, Membership, principal.ow_id, uow_id, label="User", field="uowId",
                            for_update=True)
    user = session.get(User, membership.user_id)
    assert user is not None
    return membership, user


def update_status(session: Session, principal: Principal, uow_id: int, status: int, reason: str | None) -> str:
    """PUT /api/v3/ua/user/update-status: 1 activates, 4 puts on hold, 5 deletes (revokes an invitation).

    Only admins; never oneself nor the owner. Putting on hold or deleting revokes the user's tokens for
    this organization in the same commit; a deleted membership comes back only by inviting again."""
    _require_admin(principal, "change a user's status")
    if status not in (USER_STATUS_ACTIVE, USER_STATUS_ON_HOLD, USER_STATUS_DELETED):
        raise ValidationFailed("status must be 1 (active), 4 (on hold) or 5 (deleted).", field="status")
    membership, user = _member(session, principal, uow_id)
    if membership.uow_id == principal.uow_id:
        raise Forbidden("You cannot change your own status.", field="uowId")
    if membership.uow_id == repo.owner_uow_id(session, principal.ow_id):
        raise Forbidden("The status of the organization's owner cannot be changed.", field="uowId")
    current = repo.user_status(user, membership)
    if current == USER_STATUS_DELETED:
        raise ValidationFailed("A deleted user cannot be changed; invite them again.", field="uowId")
    if current == USER_STATUS_INVITED and status != USER_STATUS_DELETED:
        raise ValidationFailed("An invited user can only be deleted (the invitation revoked) until they accept.",
                               field="status")
    membership.status = status
    membership.status_reason = (reason or "").strip() or None
    if status != USER_STATUS_ACTIVE:
        repo.revoke_tokens(session, user.id, ow_id=principal.ow_id)
        _cancel_invitations(session, user.id, principal.ow_id)
    session.commit()
    return STATUS_UPDATED


def _cancel_invitations(session: Session, user_id: int, ow_id: int) -> None:
    session.execute(
        update(Invitation)
        .where(Invitation.user_id == user_id, Invitation.ow_id == ow_id, Invitation.accepted_at.is_(None),
               Invitation.cancelled_at.is_(None))
        .values(cancelled_at=utcnow())
        .execution_options(synchronize_session=False)
    )


# --------------------------------------------------------------------------- invitations


def re_invite(session: Session, settings: Settings, principal: Principal, *, uow_id: int, user_id: int | None,
              email: str | None) -> str:
    """POST /api/v3/ua/user/re-invite: a new invite token by mail; the earlier one stops working."""
    _require_admin(principal, "invite users")
    membership, user = _member(session, principal, uow_id)
    if user_id is not None and user_id != user.id:
        raise ValidationFailed("userId is not the user of this uowId.", field="userId")
    if email is not None and email.strip().lower() != user.email:
        raise ValidationFailed("email is not the e-mail of this uowId.", field="email")
    if user.password_hash is not None:
        raise ValidationFailed("The user has already accepted an invitation.", field="uowId")
    if membership.status != USER_STATUS_ACTIVE:  # revoked (or put on hold): inviting again restores it
        membership.status, membership.status_reason = USER_STATUS_ACTIVE, None
    org = session.get(Organization, principal.ow_id)
    assert org is not None
    invitation, token = invitations.create(session, settings, user=user, org=org,
                                           invited_by_user_id=principal.user_id)
    session.commit()
    invitations.send(settings, session, invitation, token)
    return "Invitation resent successfully."


class EmailNotRegistered(ApiError):
    """IQM answers an e-mail that is no user here with a 403 carrying the (negative) result."""

    status_code = 403


def validate_email(session: Session, principal: Principal, email: str, workspace_domain: str) -> dict[str, Any]:
    """POST /api/v3/ua/user/email/validate: is the e-mail a user (or invitee) of the caller's workspace?

    Only the caller's own workspace is looked into, and `owId` is the caller's organization when the user
    belongs to it (0 otherwise), so nothing about other workspaces or organizations is told."""
    workspace = session.get(Workspace, principal.workspace_id)
    assert workspace is not None
    user = repo.user_by_email(session, email)
    in_workspace = workspace_domain.strip().lower() == workspace.host and user is not None \
        and bool(repo.memberships_in_workspace(session, user.id, workspace.id))
    if not in_workspace or user is None:
        raise EmailNotRegistered("The email is not registered in this workspace.", field="email",
                                 data={"isValid": False, "owId": 0, "isWorkspaceAllowed": False})
    membership = repo.membership(session, user.id, principal.ow_id)
    in_org = membership is not None and membership.status != USER_STATUS_DELETED
    return {"isValid": True, "owId": principal.ow_id if in_org else 0, "isWorkspaceAllowed": True}
