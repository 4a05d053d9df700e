"""A workspace's customers (IQM's Workspace API: "Customer Details" and "Customer Management").

Every organization of a workspace other than its owner organization is a customer of the workspace (an
advertiser; adplane has one level: customers have no customers of their own). Only workspace admins acting
for the workspace owner organization (X-IAA-OW-ID) manage them; anyone else is refused with IQM's 403, and a
customer of another workspace is a 404 exactly like one that does not exist.

Inviting a customer creates its organization (name, logo, vertical, customer and payment type) and makes the
invitee its first admin through the ordinary invitation (`adplane.auth.invitations`): a single-use token by
mail, accepted with POST /api/v3/ua/sign-up. Until then the customer is "invited" (`org_status`); the
invitation may be sent again or cancelled (which removes the customer again). On hold is the organization's
hold (`organizations.put_on_hold`): its users get the on-hold answer at login and on every request.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from pydantic.alias_generators import to_camel
from sqlalchemy import ColumnElement, Select, delete, false, func, select, true
from sqlalchemy.orm import Session

from adplane.auth import invitations, organizations
from adplane.auth import org_status as st
from adplane.auth import repository as repo
from adplane.auth.models import (
    ORG_STATUS_ACTIVE,
    ORG_STATUS_ON_HOLD,
    PAYMENT_TYPE_POSTPAID,
    PAYMENT_TYPE_PREPAID,
    ROLE_ADMIN,
    USER_STATUS_ACTIVE,
    Invitation,
    Membership,
    Organization,
    User,
    Workspace,
)
from adplane.auth.org_profile import NAME_TAKEN, name_taken
from adplane.auth.schemas import BasicCustomerListRequest, CustomerInvitation, CustomerOperationDetails
from adplane.auth.service import add_membership, create_organization
from adplane.core.clock import as_utc, utcnow
from adplane.core.deps import Principal
from adplane.core.errors import Forbidden, NotFound, ValidationFailed
from adplane.core.listing import count, fetch_page, in_ids, page_offset, parse_ids, parse_sort, where_search
from adplane.core.settings import Settings

NOT_AUTHORIZED = "User is not authorized to access customers of given organizations"
NOT_FOUND = "Customer not found."
MAX_INVITES = 10
TOO_MANY_INVITES = "Max Limit is 10 customers at a time."

# GET /api/v3/ua/static/customer-type, as the guide's example has it (IQM's labels, trailing space included)
CUSTOMER_TYPE_SELF_SERVED, CUSTOMER_TYPE_MANAGED, CUSTOMER_TYPE_APP_USERS = 1, 2, 3
CUSTOMER_TYPE_ADVERTISERS, CUSTOMER_TYPE_WORKSPACES = 4, 5
CUSTOMER_TYPES: list[dict[str, Any]] = [
    {"name": "self_served", "id": CUSTOMER_TYPE_SELF_SERVED, "label": "Self Served", "order": 2},
    {"name": "managed_services", "id": CUSTOMER_TYPE_MANAGED, "label": "Managed Services ", "order": 1},
    {"name": "app_users", "id": CUSTOMER_TYPE_APP_USERS, "label": "App Users", "order": 3},
    {"name": "advertisers", "id": CUSTOMER_TYPE_ADVERTISERS, "label": "Advertisers", "order": 4},
    {"name": "workspaces", "id": CUSTOMER_TYPE_WORKSPACES, "label": "Workspaces", "order": 5},
]
CUSTOMER_TYPE_LABELS = {item["id"]: item["label"].strip() for item in CUSTOMER_TYPES}

# GET /api/v3/ua/static/customer-payment-types
CUSTOMER_PAYMENT_TYPES: list[dict[str, Any]] = [
    {"name": "prepaid", "id": PAYMENT_TYPE_PREPAID, "label": "PrePaid", "order": 1},
    {"name": "postpaid", "id": PAYMENT_TYPE_POSTPAID, "label": "PostPaid", "order": 2},
]

# GET /api/v3/ua/static/customer-list-sortable-field
CUSTOMER_SORTABLE_FIELDS: list[dict[str, Any]] = [
    {"label": "Status", "field": "status", "order": 1},
    {"label": "Date of joining", "field": "createdAt", "order": 2},
]
DEFAULT_SORT = "-createdAt"

ACCOUNT_TYPE_ADVERTISER, ACCOUNT_TYPE_WORKSPACE = 1, 2  # GET /api/v3/ua/static/customer-account-types
# GET /api/v3/ua/static/verticals numbers specialty 17; 3 is how adplane stored it before it served that list
VERTICAL_NAMES = {1: "political", 2: "healthcare", 3: "specialty", 17: "specialty"}
STATIC_VIEWS = ("customer", "approval", "finance")  # `view` of organization-workspace-status

INVITATIONS_SENT = "{} invitations sent successfully."
RESENT = "Invitation resent successfully."
CANCELLED = "Invitation cancelled successfully."
ON_HOLD = "Customer status changed to on-hold successfully."
REACTIVATED = "Customer status changed to active successfully."


# --------------------------------------------------------------------------- who and which


def workspace_owner_for(session: Session, principal: Principal) -> Organization:
    """The workspace owner organization, when the caller acts for it as a workspace admin; else IQM's 403."""
    owner = repo.workspace_owner_org(session, principal.workspace_id)
    if owner is None or principal.ow_id != owner.ow_id or not principal.is_workspace_admin:
        raise Forbidden(NOT_AUTHORIZED)
    return owner


def customers_of(workspace_id: int) -> Select[Any]:
    return select(Organization).where(Organization.workspace_id == workspace_id,
                                      Organization.is_workspace_owner.is_(False))


def get_customer(session: Session, principal: Principal, ow_id: int, *, field: str = "owId",
                 for_update: bool = False) -> Organization:
    """A customer of the caller's workspace (another workspace's is a 404, like a missing one)."""
    stmt = customers_of(principal.workspace_id).where(Organization.ow_id == ow_id)
    if for_update:
        stmt = stmt.with_for_update()
    org = session.scalar(stmt)
    if org is None:
        raise NotFound(NOT_FOUND, field=field)
    return org


def _signed_up(session: Session, org: Organization) -> bool:
    return bool(session.scalar(select(st.signed_up_sql()).where(Organization.ow_id == org.ow_id)))


def _pending(session: Session, org: Organization) -> bool:
    return session.scalar(select(Invitation.id).where(Invitation.ow_id == org.ow_id, Invitation.accepted_at.is_(None),
                                                      Invitation.cancelled_at.is_(None)).limit(1)) is not None


# --------------------------------------------------------------------------- lists


def owner_email_sql() -> Any:
    """The (correlated) organization's owner e-mail, for searching."""
    return (
        select(User.email).join(Membership, Membership.user_id == User.id)
        .where(Membership.ow_id == Organization.ow_id, Membership.role == ROLE_ADMIN)
        .order_by(Membership.uow_id).limit(1).scalar_subquery()
    )


def _sortable() -> dict[str, Any]:
    return {
        "status": st.status_sql(),
        "createdAt": Organization.created_at,
        "modifiedAt": func.coalesce(Organization.modified_at, Organization.created_at),
        "organizationName": func.lower(Organization.name),
        "owId": Organization.ow_id,
    }


def _known_ids(raw: Any, field: str, known: Sequence[int]) -> list[int]:
    ids = parse_ids(raw, field)
    for value in ids:
        if value not in known:
            raise ValidationFailed(f"{field} contains an unknown id: {value}.", field=field)
    return ids


def _type_condition(customer_types: list[int]) -> ColumnElement[bool]:
    """IQM's customer type filter: 1-3 as invited, 4 (advertisers) every customer, 5 (workspaces) none here."""
    if CUSTOMER_TYPE_ADVERTISERS in customer_types:
        return true()
    chosen = [t for t in customer_types if t in (CUSTOMER_TYPE_SELF_SERVED, CUSTOMER_TYPE_MANAGED,
                                                 CUSTOMER_TYPE_APP_USERS)]
    return Organization.customer_type_id.in_(chosen) if chosen else false()


def _filtered(principal: Principal, *, ow_ids: list[int], status_ids: list[int], search: str | None,
              customer_types: list[int] | None = None, account_types: list[int] | None = None) -> Select[Any]:
    stmt = customers_of(principal.workspace_id)
    if ow_ids:
        stmt = stmt.where(in_ids(Organization.ow_id, ow_ids))
    if status_ids:
        stmt = stmt.where(st.status_sql().in_(status_ids))
    if customer_types:
        stmt = stmt.where(_type_condition(customer_types))
    if account_types:  # every customer here is an advertiser
        stmt = stmt.where(true() if ACCOUNT_TYPE_ADVERTISER in account_types else false())
    return where_search(stmt, search, [Organization.name, owner_email_sql()], id_column=Organization.ow_id)


def _id_filter(ow_ids: list[int], child_ow_ids: list[int]) -> list[int]:
    """owIds and childOwIds both restrict the rows; given both, only ids in both (none: an id nothing has)."""
    if ow_ids and child_ow_ids:
        return [i for i in ow_ids if i in set(child_ow_ids)] or [0]
    return ow_ids or child_ow_ids


def list_customers(session: Session, principal: Principal, *, ow_ids: str | None, child_ow_ids: str | None,
                   status: str | None, customer_type: str | None, account_type: str | None, search: str | None,
                   sort_by: str | None, order: str | None, page_no: int, no_of_entries: int) -> dict[str, Any]:
    """GET /api/v3/ua/customers/list: filtered, searched, sorted and paged in SQL."""
    owner = workspace_owner_for(session, principal)
    sort = parse_sort(sort_by, _sortable(), DEFAULT_SORT, order=order)
    ids = _id_filter(parse_ids(ow_ids, "owIds"), parse_ids(child_ow_ids, "childOwIds"))
    stmt = _filtered(principal, ow_ids=ids, status_ids=_known_ids(status, "status", list(st.OW_STATUS_NAMES)),
                     search=search,
                     customer_types=_known_ids(customer_type, "customerType", list(CUSTOMER_TYPE_LABELS)),
                     account_types=_known_ids(account_type, "customerAccountType",
                                              [ACCOUNT_TYPE_ADVERTISER, ACCOUNT_TYPE_WORKSPACE]))
    total = count(session, customers_of(principal.workspace_id))
    offset, limit = page_offset(page_no, no_of_entries)
    orgs, matching = fetch_page(session, stmt, sort, tiebreak=Organization.ow_id, offset=offset, limit=limit)
    return {"data": _rows(session, principal, owner, orgs), "totalRecords": total, "filteredRecords": matching}


def _iso(value: Any) -> str:
    return str(as_utc(value).isoformat(timespec="milliseconds"))


def _rows(session: Session, principal: Principal, owner: Organization,
          orgs: Sequence[Organization]) -> list[dict[str, Any]]:
    if not orgs:
        return []
    workspace = session.get(Workspace, principal.workspace_id)
    assert workspace is not None
    ids = [org.ow_id for org in orgs]
    statuses = st.statuses(session, ids)
    owners = st.owners(session, ids)
    creators = st.people(session, [org.created_by_user_id for org in orgs])
    accessed = st.last_access(session, ids)
    member_of = set(session.scalars(select(Membership.ow_id).where(
        Membership.user_id == principal.user_id, Membership.ow_id.in_(ids), Membership.status == USER_STATUS_ACTIVE)))
    rows = []
    for org in orgs:
        status_id = statuses[org.ow_id]
        contact = owners.get(org.ow_id)
        creator = creators.get(org.created_by_user_id) if org.created_by_user_id is not None else None
        type_label = CUSTOMER_TYPE_LABELS.get(org.customer_type_id) if org.customer_type_id is not None else None
        tags = [type_label] if type_label else []
        rows.append({
            "isUserAllowed": org.ow_id in member_of and org.status == ORG_STATUS_ACTIVE,
            "isWorkspaceOwner": org.is_workspace_owner,
            "owId": org.ow_id,
            "organizationName": org.name,
            "workspaceName": workspace.name,
            "workspaceDomain": workspace.host,
            "owStatus": st.OW_STATUS_NAMES[status_id],
            "owStatusId": status_id,
            "createdAt": _iso(org.created_at),
            "modifiedAt": _iso(org.modified_at or org.created_at),
            "parentOrganizationName": owner.name,
            "tags": [*tags, "Advertiser"],
            "customersCount": 0,  # one level: a customer has no customers of its own
            "balance": float(org.funds_balance),
            "contactPersonName": contact.name if contact else None,
            "contactPersonEmail": contact.email if contact else None,
            "approvedBy": creator.name if creator else None,
            "approvedByEmail": creator.email if creator else None,
            "logoUrl": org.logo_url,
            "companySize": org.company_size_id,
            "workspaceId": workspace.id,
            "lastAccess": accessed.get(org.ow_id, 0),
            "verticalTypeId": org.vertical_id,
            "onHoldReason": org.hold_reason if org.status == ORG_STATUS_ON_HOLD else None,
        })
    return rows


def basic_list(session: Session, principal: Principal, body: BasicCustomerListRequest) -> dict[str, Any]:
    """POST /api/v3/ua/customer/basic/list: the same customers with fewer fields. adplane's auth knows no
    campaigns, so `runningCampaigns` is never given (even with `provideRunningCampaigns`)."""
    workspace_owner_for(session, principal)
    sort = parse_sort(body.sort_by, _sortable(), "+organizationName", order=body.order)
    stmt = _filtered(principal, ow_ids=list(body.ow_ids or []), status_ids=list(body.ow_status_ids or []),
                     search=body.search_field)
    total = count(session, customers_of(principal.workspace_id))
    offset, limit = page_offset(body.page_no, body.no_of_entries, body.offset)
    orgs, matching = fetch_page(session, stmt, sort, tiebreak=Organization.ow_id, offset=offset, limit=limit)
    ids = [org.ow_id for org in orgs]
    statuses = st.statuses(session, ids)
    owners = st.owners(session, ids)
    rows = []
    for org in orgs:
        status_id = statuses[org.ow_id]
        contact = owners.get(org.ow_id)
        rows.append({
            "owId": org.ow_id,
            "organizationName": org.name,
            "organizationLogo": org.logo_url,
            "owStatus": st.OW_STATUS_LABELS[status_id],
            "owStatusId": status_id,
            "wsId": org.workspace_id,
            "ownerUserName": contact.name if contact else None,
            "ownerUserEmail": contact.email if contact else None,
        })
    return {"data": rows, "totalRecords": total, "filteredRecords": matching}


# --------------------------------------------------------------------------- invitations


def invite(session: Session, settings: Settings, principal: Principal,
           items: Sequence[CustomerInvitation]) -> dict[str, Any]:
    """POST /api/v3/ua/customer/invite: every item is checked first (a 422 names the item's field and creates
    nothing); then each customer is created with its first admin invited, in one commit, and the mails go out.
    A mail that is not accepted puts its e-mail in `failedEmails` (the customer exists: send it again)."""
    workspace_owner_for(session, principal)
    if len(items) > MAX_INVITES:
        raise ValidationFailed(TOO_MANY_INVITES, field="body")
    workspace = session.get(Workspace, principal.workspace_id)
    assert workspace is not None
    emails: set[str] = set()
    names: set[str] = set()
    for i, item in enumerate(items):
        email, name = item.email.strip().lower(), item.name.strip()
        if not name:
            raise ValidationFailed(f"{i}.name: the customer's name cannot be empty.", field=f"{i}.name")
        if name.lower() in names or name_taken(session, workspace.id, name):
            raise ValidationFailed(f"{i}.name: {NAME_TAKEN}", field=f"{i}.name")
        if email in emails:
            raise ValidationFailed(f"{i}.email: the e-mail is given twice.", field=f"{i}.email")
        user = repo.user_by_email(session, email)
        if user is not None and user.password_hash is not None:
            raise ValidationFailed(f"{i}.email: a user with this e-mail already exists; invite the customer with "
                                   "the e-mail of a new user.", field=f"{i}.email")
        emails.add(email)
        names.add(name.lower())
    pending = []
    now = utcnow()
    for item in items:
        org = create_organization(session, workspace, item.name.strip())
        details = item.customer_operation_details
        org.vertical_id = item.vertical_id
        org.logo_url = item.logo_url
        org.customer_type_id = details.customer_type_id if details else None
        org.payment_type_id = details.customer_payment_type_id if details else None
        org.country_id = details.country_id if details else None
        org.created_by_user_id = principal.user_id
        org.modified_at = now
        user = repo.user_by_email(session, item.email)
        if user is None:
            first, _, last = (item.owner_user_name or "").strip().partition(" ")
            user = User(email=item.email.strip().lower(), first_name=first or None, last_name=last.strip() or None)
            session.add(user)
            session.flush()
        add_membership(session, user.id, org.ow_id, ROLE_ADMIN)
        pending.append(invitations.create(session, settings, user=user, org=org, invited_by_user_id=principal.user_id))
    session.commit()
    sent, failed = [], []
    for invitation, token in pending:
        try:
            invitations.send(settings, session, invitation, token)
            sent.append(invitation.email)
        except invitations.InvitationNotSent:
            failed.append(invitation.email)
    return {"successfulEmails": sent, "failedEmails": failed, "message": INVITATIONS_SENT.format(len(sent))}


def re_send(session: Session, settings: Settings, principal: Principal, *, invite_hash: str | None,
            ow_id: int | None) -> str:
    """POST /api/v3/ua/customer/invite/re-send: a new token by mail for a customer whose invitee has not signed
    up yet; its earlier tokens stop working."""
    workspace_owner_for(session, principal)
    if (invite_hash is None) == (ow_id is None):
        raise ValidationFailed("Give the inviteHash of the customer's invitation (or its owId).", field="inviteHash")
    if invite_hash is not None:
        field = "inviteHash"
        found = invitations.find(session, invite_hash)
        if found is None or found.workspace_id != principal.workspace_id:
            raise NotFound("Invitation not found.", field=field)
        org = get_customer(session, principal, found.ow_id, field=field)
    else:
        assert ow_id is not None
        field = "owId"
        org = get_customer(session, principal, ow_id, field=field)
    owner_uow = repo.owner_uow_id(session, org.ow_id)
    membership = session.get(Membership, owner_uow) if owner_uow is not None else None
    user = session.get(User, membership.user_id) if membership is not None else None
    if user is None or user.password_hash is not None or _signed_up(session, org):
        raise ValidationFailed("The customer has already accepted its invitation.", field=field)
    invitation, token = invitations.create(session, settings, user=user, org=org, invited_by_user_id=principal.user_id)
    session.commit()
    invitations.send(settings, session, invitation, token)
    return RESENT


def cancel(session: Session, principal: Principal, ow_id: int) -> str:
    """DELETE /api/v3/ua/customer/invite/cancel: only while nobody of the customer has signed up; the customer
    (created by the invitation) is removed, and so is its invitee when that user belongs nowhere else."""
    workspace_owner_for(session, principal)
    org = get_customer(session, principal, ow_id, for_update=True)
    if _signed_up(session, org):
        raise ValidationFailed("The customer has already accepted its invitation; put it on hold instead.",
                               field="owId")
    if not _pending(session, org):
        raise ValidationFailed("The customer has no pending invitation.", field="owId")
    invitees = list(session.scalars(
        select(User.id).join(Membership, Membership.user_id == User.id)
        .where(Membership.ow_id == org.ow_id, User.password_hash.is_(None))
    ))
    session.execute(delete(Organization).where(Organization.ow_id == org.ow_id)
                    .execution_options(synchronize_session=False))
    if invitees:
        still_member = select(Membership.uow_id).where(Membership.user_id == User.id).exists()
        session.execute(delete(User).where(User.id.in_(invitees), User.password_hash.is_(None), ~still_member)
                        .execution_options(synchronize_session=False))
    session.commit()
    return CANCELLED


# --------------------------------------------------------------------------- status


def hold(session: Session, principal: Principal, ow_id: int, reason: str) -> str:
    """PATCH /api/v3/ua/customer/hold: the customer's users are refused (IQM's on-hold answer) from now on."""
    owner = workspace_owner_for(session, principal)
    org = get_customer(session, principal, ow_id, for_update=True)
    reason = reason.strip()
    if not reason:
        raise ValidationFailed("statusReason cannot be empty.", field="statusReason")
    if org.status == ORG_STATUS_ON_HOLD:
        raise ValidationFailed("The customer is already on hold.", field="owId")
    org.modified_at = utcnow()
    support = owner.email or principal.email
    organizations.put_on_hold(session, org.ow_id, reason, support if len(support) <= 255 else "")
    return ON_HOLD


def reactivate(session: Session, principal: Principal, ow_id: int) -> str:
    workspace_owner_for(session, principal)
    org = get_customer(session, principal, ow_id, for_update=True)
    if org.status != ORG_STATUS_ON_HOLD:
        raise ValidationFailed("The customer is not on hold.", field="owId")
    org.modified_at = utcnow()
    organizations.release_hold(session, org.ow_id)
    return REACTIVATED


# --------------------------------------------------------------------------- configuration


def config(session: Session, principal: Principal, ow_id: int) -> dict[str, Any]:
    """GET /api/v3/ua/customer/config/{customerOwId}: for the workspace admins (any organization of the
    workspace) and for an organization's own members (its own); otherwise a 404 like a missing one."""
    org = session.get(Organization, ow_id)
    owner = repo.workspace_owner_org(session, principal.workspace_id)
    as_workspace_admin = owner is not None and principal.ow_id == owner.ow_id and principal.is_workspace_admin
    if org is None or org.workspace_id != principal.workspace_id \
            or not (org.ow_id == principal.ow_id or as_workspace_admin):
        raise NotFound(NOT_FOUND, field="customerOwId")
    data: dict[str, Any] = {"organizationType": "workspace" if org.is_workspace_owner else "advertiser"}
    vertical = VERTICAL_NAMES.get(org.vertical_id) if org.vertical_id is not None else None
    if vertical is not None:
        data["vertical"] = vertical
    if org.customer_type_id is not None:
        data["customerTypeId"] = org.customer_type_id
    if org.payment_type_id is not None:
        data["customerPaymentTypeId"] = org.payment_type_id
    return data


def payment_types() -> dict[str, Any]:
    return {"totalRecords": len(CUSTOMER_PAYMENT_TYPES), "filteredRecords": len(CUSTOMER_PAYMENT_TYPES),
            "customerPaymentTypes": CUSTOMER_PAYMENT_TYPES}


def check_view(view: str | None) -> None:
    """`view` of organization-workspace-status (the Customers app's tab) does not change the list here."""
    if view is not None and view.strip() and view.strip().lower() not in STATIC_VIEWS:
        raise ValidationFailed("view must be customer, approval or finance.", field="view")


# --------------------------------------------------------------------------- operations details

OPERATIONS_UPDATED = "Customer operation details updated successfully"
OPERATION_FIELDS = (("customer_type_id", "customer_type_id"), ("customer_payment_type_id", "payment_type_id"),
                    ("country_id", "country_id"))


def update_operations(session: Session, principal: Principal, ow_id: int, details: CustomerOperationDetails | None,
                      reset: dict[str, bool]) -> dict[str, str]:
    """PATCH /api/v3/ua/customer-operations/{owId} (workspace admins): a customer's type, payment type (its
    billing terms: prepaid customers' campaigns pause at a zero balance) and country; `resetFields` clears them.
    Assignees and labels are checked as ids but adplane keeps no assignments or labels."""
    workspace_owner_for(session, principal)
    org = get_customer(session, principal, ow_id, for_update=True)
    given = details.model_fields_set if details is not None else set()
    for field, column in OPERATION_FIELDS:
        wire = to_camel(field)
        if reset.get(wire):
            setattr(org, column, None)
        elif field in given and getattr(details, field) is not None:
            setattr(org, column, getattr(details, field))
    org.modified_at = utcnow()
    session.commit()
    return {"message": OPERATIONS_UPDATED}
