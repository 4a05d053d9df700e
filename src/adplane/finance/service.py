"""The rules of finance: whose money a caller may see.

A caller sees its own organization's balance; a workspace admin also sees every customer organization of
its workspace (IQM's `isCustomerRequest`). Anything else is a 404, exactly like a missing organization,
so an id of another workspace reveals nothing.
"""

from __future__ import annotations

from decimal import Decimal

from sqlalchemy.orm import Session

from adplane.auth.models import Organization
from adplane.core.deps import Principal
from adplane.core.errors import NotFound


def visible_organization(session: Session, principal: Principal, ow_id: int | None) -> Organization:
    """The organization whose finances the caller asks for (its own when `ow_id` is absent)."""
    target = principal.ow_id if ow_id is None else ow_id
    org = session.get(Organization, target)
    allowed = org is not None and (
        org.ow_id == principal.ow_id
        or (principal.is_workspace_admin and org.workspace_id == principal.workspace_id)
    )
    if not allowed or org is None:
        raise NotFound(f"Organization {target} not found", field="owId")
    return org


def available_balance(session: Session, principal: Principal, ow_id: int | None) -> Decimal:
    """The organization's funds balance, the sum of its ledger entries (kept together by `change_funds`)."""
    return visible_organization(session, principal, ow_id).funds_balance
