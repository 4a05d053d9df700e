"""Organizations seen by their users (profile, allowed organizations) and by operators (admin)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from decimal import Decimal
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from adplane.auth import org_status
from adplane.auth import repository as repo
from adplane.auth.models import (
    ORG_STATUS_ACTIVE,
    ORG_STATUS_ON_HOLD,
    USER_STATUS_ACTIVE,
    USER_STATUS_DELETED,
    FundsLedgerEntry,
    Membership,
    Organization,
    User,
    Workspace,
)
from adplane.core.clock import utcnow
from adplane.core.deps import Principal
from adplane.core.errors import NotFound, ValidationFailed
from adplane.core.listing import count, fetch_page, page_offset, parse_sort, where_search


def _org_summaries(session: Session, orgs: Sequence[Organization], workspace: Workspace) -> list[dict[str, Any]]:
    """Rows of allowed-organizations: IQM's status (`org_status`), the owner as contact person, the logo.
    adplane has no organization title, so `title` is null (as in IQM's examples)."""
    owner = repo.workspace_owner_org(session, workspace.id)
    ids = [org.ow_id for org in orgs]
    statuses = org_status.statuses(session, ids)
    contacts = org_status.owners(session, ids)
    rows = []
    for org in orgs:
        status_id = statuses[org.ow_id]
        contact = contacts.get(org.ow_id)
        rows.append({
            "owId": org.ow_id,
            "organizationName": org.name,
            "ownerUserEmail": contact.email if contact else None,
            "workspaceDomain": workspace.host,
            "customerType": "Workspace" if org.is_workspace_owner else "Advertiser",
            "logoUrl": org.logo_url,
            "dateOfJoining": org.created_at.date().isoformat() if org.created_at else None,
            "title": None,
            "status": org_status.OW_STATUS_LABELS[status_id],
            "statusId": status_id,
            "contactPersonName": contact.name if contact else None,
            "workspaceOwnerOrganizationName": owner.name if owner else None,
        })
    return rows


def profile(session: Session, principal: Principal) -> dict[str, Any]:
    user = session.get(User, principal.user_id)
    org = session.get(Organization, principal.ow_id)
    workspace = session.get(Workspace, principal.workspace_id)
    assert user and org and workspace
    owner = repo.workspace_owner_org(session, workspace.id)
    parent = None
    if owner is not None and owner.ow_id != org.ow_id:
        owner_member = repo.membership(session, user.id, owner.ow_id)
        parent = {
            "owId": owner.ow_id,
            "organizationName": owner.name,
            "workspaceDomain": workspace.host,
            # the user may switch to it: an active member of the owner organization
            "isAccess": owner_member is not None and owner_member.status == USER_STATUS_ACTIVE,
        }
    display = repo.display_name(user)
    return {
        "owId": org.ow_id,
        "uowId": principal.uow_id,
        "status": 1,
        "firstName": user.first_name,
        "lastName": user.last_name,
        "displayName": display,
        "userAvatar": user.avatar_url,
        "email": user.email,
        "organizationName": org.name,
        "organizationLogo": org.logo_url,
        "isOwnerUser": principal.role == "admin",
        "isPlatformOwnerOrg": False,
        "isWorkspaceOwnerOrg": org.is_workspace_owner,
        "isWorkspaceAdmin": principal.is_workspace_admin,
        "role": principal.role,
        "parentOrganization": parent,
        "organizationTimezone": org.timezone_id,
    }


def allowed_organizations(
    session: Session, principal: Principal, search: str | None, page_no: int, no_of_entries: int, sort_by: str
) -> dict[str, Any]:
    sortable = {"owId": Organization.ow_id, "organizationName": Organization.name, "status": org_status.status_sql(),
                "dateOfJoining": Organization.created_at}
    order = parse_sort(sort_by, sortable, "+organizationName")
    base = (
        select(Organization)
        .join(Membership, Membership.ow_id == Organization.ow_id)
        .where(Membership.user_id == principal.user_id, Organization.workspace_id == principal.workspace_id,
               Membership.status != USER_STATUS_DELETED)
    )
    total = count(session, base)
    offset, limit = page_offset(page_no, no_of_entries)
    rows, filtered = fetch_page(session, where_search(base, search, [Organization.name]), order,
                                tiebreak=Organization.ow_id, offset=offset, limit=limit)
    workspace = session.get(Workspace, principal.workspace_id)
    assert workspace is not None
    current = session.get(Organization, principal.ow_id)
    return {
        "data": _org_summaries(session, rows, workspace),
        "totalRecords": total,
        "filteredRecords": filtered,
        "currentOrganization": _org_summaries(session, [current], workspace)[0] if current else None,
    }


def get_org(session: Session, ow_id: int) -> Organization:
    org = session.get(Organization, ow_id)
    if org is None:
        raise NotFound(f"Organization {ow_id} not found", field="owId")
    return org


def put_on_hold(session: Session, ow_id: int, reason: str, support_email: str) -> Organization:
    org = get_org(session, ow_id)
    org.status = ORG_STATUS_ON_HOLD
    org.hold_reason = reason
    org.support_email = support_email
    org.modified_at = utcnow()
    session.commit()
    return org


def release_hold(session: Session, ow_id: int) -> Organization:
    org = get_org(session, ow_id)
    org.status = ORG_STATUS_ACTIVE
    org.hold_reason = None
    org.modified_at = utcnow()
    session.commit()
    return org


def change_funds(
    session: Session, ow_id: int, amount: Decimal, kind: str, reference: str | None = None, *, lock: bool = True,
    allow_negative: bool = False,
) -> FundsLedgerEntry:
    """Apply a signed amount to the balance with a ledger entry; the caller commits.

    The organization row is locked (FOR UPDATE on PostgreSQL) so concurrent charges serialize
    and the balance can never go negative by a race. Charges for what was already delivered
    (`allow_negative`, see `adplane.finance.spend`) may take it below zero.
    """
    stmt = select(Organization).where(Organization.ow_id == ow_id)
    if lock:
        stmt = stmt.with_for_update()
    org = session.scalar(stmt)
    if org is None:
        raise NotFound(f"Organization {ow_id} not found", field="owId")
    new_balance = Decimal(org.funds_balance) + amount
    if new_balance < 0 and amount < 0 and not allow_negative:
        raise ValidationFailed("Insufficient funds.", field="funds")
    org.funds_balance = new_balance
    entry = FundsLedgerEntry(ow_id=ow_id, amount=amount, balance_after=new_balance, kind=kind, reference=reference)
    session.add(entry)
    session.flush()
    return entry


def gross_margins(session: Session, ow_ids: Iterable[int]) -> dict[int, Decimal]:
    """The workspace's gross margin (percent of the customer's spend) on each of these organizations."""
    wanted = sorted(set(ow_ids))
    if not wanted:
        return {}
    rows = session.execute(select(Organization.ow_id, Organization.gross_margin).where(
        Organization.ow_id.in_(wanted)))
    return {ow_id: Decimal(margin or 0) for ow_id, margin in rows}
