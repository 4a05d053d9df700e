"""Credits: money a workspace offers its organizations, added to the ledger once, when claimed.

A workspace admin offers, edits and revokes credits of the organizations in its workspace; the organization
claims an offered credit (with its business details), which credits its ledger in the same commit. Spend
uses credit first, so the summary's `usedCredit` is the claimed credit that charges have consumed.
"""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from adplane.auth.models import FundsLedgerEntry, Membership, Organization, User
from adplane.auth.organizations import change_funds
from adplane.core.clock import as_utc, utcnow
from adplane.core.deps import Principal
from adplane.core.errors import Forbidden, NotFound, ValidationFailed
from adplane.core.listing import apply_sort, count, page_offset, parse_sort
from adplane.finance.models import CREDIT_CLAIMED, CREDIT_EXPIRED, CREDIT_REVOKED, CREDIT_UNCLAIMED, Credit
from adplane.finance.service import visible_organization
from adplane.finance.spend import CHARGE_KINDS

STATUS_LABELS = {CREDIT_UNCLAIMED: "Unclaimed", CREDIT_CLAIMED: "Claimed", CREDIT_REVOKED: "Revoked",
                 CREDIT_EXPIRED: "Expired"}
MAX_CREDIT = Decimal("10000000")  # creditAmount's bound (its format is checked by the request schema)


def _status(credit: Credit, now: datetime) -> int:
    if credit.status_id == CREDIT_UNCLAIMED and credit.expires_at is not None and as_utc(credit.expires_at) <= now:
        return CREDIT_EXPIRED
    return credit.status_id


def _iso(value: datetime) -> str:
    return as_utc(value).strftime("%Y-%m-%dT%H:%M:%S.000+00:00")


def _admin_customer(session: Session, principal: Principal, ow_id: int) -> Organization:
    if not principal.is_workspace_admin:
        raise Forbidden("Only workspace admins can manage credits.")
    return visible_organization(session, principal, ow_id)


def _credit_of(session: Session, ow_id: int, credit_id: int, *, for_update: bool = True) -> Credit:
    stmt = select(Credit).where(Credit.id == credit_id, Credit.ow_id == ow_id)
    credit = session.scalar(stmt.with_for_update() if for_update else stmt)
    if credit is None:
        raise NotFound("Credit not found.", field="creditId")
    return credit


def _unclaimed(credit: Credit, action: str) -> None:
    status = _status(credit, utcnow())
    if status != CREDIT_UNCLAIMED:
        raise ValidationFailed(f"Only unclaimed credits can be {action}; this credit is {STATUS_LABELS[status]}.",
                               field="creditId")


def offer(session: Session, principal: Principal, ow_id: int, amount: Decimal,
          expires_at: datetime | None) -> Credit:
    _admin_customer(session, principal, ow_id)
    if expires_at is not None and as_utc(expires_at) <= utcnow():
        raise ValidationFailed("expiresAt must be in the future.", field="expiresAt")
    offerer = session.get(Organization, principal.ow_id)
    credit = Credit(ow_id=ow_id, offered_by_ow_id=principal.ow_id, offered_by_uow_id=principal.uow_id,
                    offered_by_name=offerer.name if offerer else "", amount=amount,
                    status_id=CREDIT_UNCLAIMED, expires_at=expires_at, created_at=utcnow(), modified_at=utcnow())
    session.add(credit)
    session.commit()
    return credit


def edit(session: Session, principal: Principal, ow_id: int, credit_id: int, amount: Decimal) -> None:
    _admin_customer(session, principal, ow_id)
    credit = _credit_of(session, ow_id, credit_id)
    _unclaimed(credit, "updated")
    credit.amount = amount
    credit.modified_at = utcnow()
    session.commit()


def revoke(session: Session, principal: Principal, ow_id: int, credit_id: int) -> None:
    _admin_customer(session, principal, ow_id)
    credit = _credit_of(session, ow_id, credit_id)
    _unclaimed(credit, "revoked")
    credit.status_id = CREDIT_REVOKED
    credit.modified_at = utcnow()
    session.commit()


def claim(session: Session, principal: Principal, credit_id: int, details: dict[str, Any]) -> None:
    """The organization the credit was offered to claims it: its ledger is credited once, in this commit."""
    credit = _credit_of(session, principal.ow_id, credit_id)
    _unclaimed(credit, "claimed")
    now = utcnow()
    credit.status_id, credit.claimed_at, credit.modified_at = CREDIT_CLAIMED, now, now
    credit.claim_details = details
    change_funds(session, credit.ow_id, Decimal(credit.amount), "credit", f"credit:{credit.id}")
    session.commit()


CREDIT_SORT: dict[str, Any] = {"creditId": Credit.id, "creditAmount": Credit.amount, "modifiedAt": Credit.modified_at,
                               "status": Credit.status_id, "organizationName": func.lower(Credit.offered_by_name)}


def offered_to_me(session: Session, principal: Principal, page_no: int, limit: int,
                  sort_by: str | None) -> dict[str, Any]:
    order = parse_sort(sort_by, CREDIT_SORT, "-modifiedAt")
    stmt = select(Credit).where(Credit.ow_id == principal.ow_id)
    total = count(session, stmt)
    offset, size = page_offset(page_no, limit)
    now = utcnow()
    rows = session.scalars(apply_sort(stmt, order).order_by(Credit.id.desc()).offset(offset).limit(size or 50))
    data = [{"creditId": c.id, "creditAmount": float(c.amount), "modifiedAt": _iso(c.modified_at),
             "status": STATUS_LABELS[_status(c, now)], "organizationName": c.offered_by_name,
             "expiresAt": _iso(c.expires_at) if c.expires_at else None} for c in rows]
    return {"data": data, "totalRecords": total, "filteredRecords": total}


def customer_credits(session: Session, principal: Principal, ow_id: int) -> list[dict[str, Any]]:
    _admin_customer(session, principal, ow_id)
    now = utcnow()
    credits = session.execute(
        select(Credit, User.first_name, User.last_name, User.email)
        .outerjoin(Membership, Membership.uow_id == Credit.offered_by_uow_id)
        .outerjoin(User, User.id == Membership.user_id)
        .where(Credit.ow_id == ow_id).order_by(Credit.id.desc()))
    return [{"creditId": c.id, "owId": c.ow_id, "creditAmount": float(c.amount),
             "status": STATUS_LABELS[_status(c, now)], "modifiedAt": _iso(c.modified_at), "uowId": c.offered_by_uow_id,
             "displayName": " ".join(p for p in (first, last) if p) or (email or "").split("@")[0],
             "expiresAt": _iso(c.expires_at) if c.expires_at else None}
            for c, first, last, email in credits]


def summary(session: Session, principal: Principal, ow_id: int) -> dict[str, float]:
    """`totalCredit`: the claimed credit; `usedCredit`: how much of it charges have consumed (credit goes first)."""
    visible_organization(session, principal, ow_id)
    total = session.scalar(select(func.coalesce(func.sum(Credit.amount), 0)).where(
        Credit.ow_id == ow_id, Credit.status_id == CREDIT_CLAIMED)) or 0
    charged = session.scalar(select(func.coalesce(func.sum(FundsLedgerEntry.amount), 0)).where(
        FundsLedgerEntry.ow_id == ow_id, FundsLedgerEntry.kind.in_(CHARGE_KINDS))) or 0
    total_credit = Decimal(str(total))
    used = min(total_credit, -Decimal(str(charged)))
    return {"usedCredit": float(max(used, Decimal("0"))), "totalCredit": float(total_credit)}
