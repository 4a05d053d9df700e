"""An organization's status as IQM names it (GET /api/v3/ua/static/organization-workspace-status), in SQL and
for a page of rows, plus the facts lists show about an organization (its owner, its creator, its last access).

Only active and on hold are stored (`Organization.status`; on hold is IQM's "suspended"). "Invited" is derived:
a customer none of whose active members has a password yet, with an invitation still pending (neither
accepted nor cancelled); it becomes active when its invitee signs up. Pending (2) and rejected (5) belong to
IQM's customer sign-up approval, which adplane does not have, so they are never produced.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import ColumnElement, and_, case, func, literal, select
from sqlalchemy.orm import Session

from adplane.auth import repository as repo
from adplane.auth.models import (
    ORG_STATUS_ON_HOLD,
    ROLE_ADMIN,
    USER_STATUS_ACTIVE,
    AuthToken,
    Invitation,
    Membership,
    Organization,
    User,
)
from adplane.core.clock import to_epoch_ms

OW_STATUS_ACTIVE = 1
OW_STATUS_PENDING = 2
OW_STATUS_INVITED = 3
OW_STATUS_SUSPENDED = 4
OW_STATUS_REJECTED = 5

# GET /api/v3/ua/static/organization-workspace-status, as the guide's example has it (in that order)
OW_STATUSES: list[dict[str, Any]] = [
    {"name": "pending", "id": OW_STATUS_PENDING, "label": "Pending", "order": 1},
    {"name": "active", "id": OW_STATUS_ACTIVE, "label": "Active", "order": 2},
    {"name": "invited", "id": OW_STATUS_INVITED, "label": "Invited", "order": 3},
    {"name": "suspended", "id": OW_STATUS_SUSPENDED, "label": "Suspended", "order": 4},
    {"name": "rejected", "id": OW_STATUS_REJECTED, "label": "Rejected", "order": 5},
]
OW_STATUS_NAMES = {item["id"]: item["name"] for item in OW_STATUSES}
OW_STATUS_LABELS = {item["id"]: item["label"] for item in OW_STATUSES}


def signed_up_sql() -> ColumnElement[bool]:
    """The organization (correlated) has an active member who has set a password."""
    return (
        select(Membership.uow_id)
        .join(User, User.id == Membership.user_id)
        .where(Membership.ow_id == Organization.ow_id, Membership.status == USER_STATUS_ACTIVE,
               User.password_hash.is_not(None))
        .exists()
    )


def pending_invitation_sql() -> ColumnElement[bool]:
    return (
        select(Invitation.id)
        .where(Invitation.ow_id == Organization.ow_id, Invitation.accepted_at.is_(None),
               Invitation.cancelled_at.is_(None))
        .exists()
    )


def status_sql() -> ColumnElement[int]:
    """IQM's status id of the (correlated) organization row: suspended when on hold, invited, else active."""
    return case(
        (Organization.status == ORG_STATUS_ON_HOLD, literal(OW_STATUS_SUSPENDED)),
        (and_(~signed_up_sql(), pending_invitation_sql()), literal(OW_STATUS_INVITED)),
        else_=literal(OW_STATUS_ACTIVE),
    )


def statuses(session: Session, ow_ids: Iterable[int]) -> dict[int, int]:
    ids = list(ow_ids)
    if not ids:
        return {}
    rows = session.execute(select(Organization.ow_id, status_sql()).where(Organization.ow_id.in_(ids)))
    return {int(ow_id): int(status) for ow_id, status in rows}


def status_of(session: Session, org: Organization) -> int:
    return statuses(session, [org.ow_id])[org.ow_id]


@dataclass(frozen=True)
class Person:
    name: str
    email: str


def owners(session: Session, ow_ids: Iterable[int]) -> dict[int, Person]:
    """Each organization's owner (its first admin, as `repo.org_admin_email`): the contact person."""
    ids = list(ow_ids)
    if not ids:
        return {}
    found: dict[int, Person] = {}
    rows = session.execute(
        select(Membership.ow_id, User)
        .join(User, User.id == Membership.user_id)
        .where(Membership.ow_id.in_(ids), Membership.role == ROLE_ADMIN)
        .order_by(Membership.uow_id)
    )
    for ow_id, user in rows:
        found.setdefault(int(ow_id), Person(repo.display_name(user), user.email))
    return found


def people(session: Session, user_ids: Iterable[int | None]) -> dict[int, Person]:
    ids = {i for i in user_ids if i is not None}
    if not ids:
        return {}
    return {u.id: Person(repo.display_name(u), u.email) for u in session.scalars(select(User).where(User.id.in_(ids)))}


def last_access(session: Session, ow_ids: Iterable[int]) -> dict[int, int]:
    """Epoch milliseconds of the latest login (or refresh) into each organization."""
    ids = list(ow_ids)
    if not ids:
        return {}
    rows = session.execute(
        select(AuthToken.ow_id, func.max(AuthToken.created_at)).where(AuthToken.ow_id.in_(ids))
        .group_by(AuthToken.ow_id)
    )
    return {int(ow_id): to_epoch_ms(when) or 0 for ow_id, when in rows if ow_id is not None and when is not None}
