"""The rules of finance: whose money a caller may see.

A caller sees its own organization's balance; a workspace admin also sees every customer organization of
its workspace (IQM's `isCustomerRequest`). Anything else is a 404, exactly like a missing organization,
so an id of another workspace reveals nothing.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any, cast

from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session

from adplane.auth.models import Organization
from adplane.auth.organizations import change_funds
from adplane.core.clock import as_utc, utcnow
from adplane.core.deps import Principal
from adplane.core.errors import Forbidden, NotFound, ValidationFailed
from adplane.core.listing import apply_sort, count, in_ids, page_offset, parse_ids, parse_sort, where_search
from adplane.finance import catalog
from adplane.finance.models import (
    STATUS_CANCELLED,
    STATUS_PAID,
    STATUS_PROCESSING,
    STATUS_REJECTED,
    TYPE_AS_FUND,
    Payment,
)
from adplane.finance.providers import MODE_CHEQUE, MODE_WIRE_TRANSFER, PaymentProvider


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


# --------------------------------------------------------------------------- payments


def add_fund(session: Session, principal: Principal, amount: Decimal, payment_date: date, mode_id: int,
             bank_name: str | None, provider: PaymentProvider) -> Payment:
    """Record a payment from the caller's organization; a settled one credits the ledger in the same commit."""
    if mode_id not in {item["id"] for item in catalog.PAYMENT_MODES}:
        raise ValidationFailed("Invalid payment mode.", field="paymentMode")
    if mode_id in (MODE_CHEQUE, MODE_WIRE_TRANSFER) and not (bank_name or "").strip():
        raise ValidationFailed("bankName is required for cheque and wire transfer payments.", field="bankName")
    submitted = provider.submit(principal.ow_id, amount, mode_id)
    payment = Payment(
        ow_id=principal.ow_id, initiator_ow_id=principal.ow_id, created_by_email=principal.email, amount=amount,
        payment_date=payment_date, mode_id=mode_id, type_id=TYPE_AS_FUND,
        status_id=STATUS_PAID if submitted.settled else STATUS_PROCESSING,
        bank_name=(bank_name or "").strip() or None, provider=provider.name, provider_reference=submitted.reference,
    )
    session.add(payment)
    session.flush()
    if submitted.settled:
        change_funds(session, principal.ow_id, amount, "payment", f"payment:{payment.id}")
    session.commit()
    return payment


def _millis(value: date | datetime) -> int:
    moment = value if isinstance(value, datetime) else datetime(value.year, value.month, value.day, tzinfo=UTC)
    return int(as_utc(moment).timestamp() * 1000)


def payment_row(payment: Payment, organization_name: str, principal: Principal) -> dict[str, Any]:
    return {
        "isPaymentInitiatorOrg": payment.initiator_ow_id == principal.ow_id,
        "paymentId": payment.id,
        "createdAt": _millis(payment.created_at),
        "createdByUserEmail": payment.created_by_email,
        "paymentDate": _millis(payment.payment_date),
        "paymentAmount": float(payment.amount),
        "paymentStatus": catalog.label(catalog.PAYMENT_STATUSES, payment.status_id),
        "paymentMode": catalog.label(catalog.PAYMENT_MODES, payment.mode_id),
        "paymentType": catalog.label(catalog.PAYMENT_TYPES, payment.type_id),
        "invoiceId": payment.invoice_id,
        "transactionId": payment.provider_reference,
        "modifiedAt": _millis(payment.modified_at),
        "modifiedByUserEmail": payment.modified_by_email or payment.created_by_email,
        "bankName": payment.bank_name,
        "refundReason": payment.refund_reason,
        "owId": payment.ow_id,
        "organizationName": organization_name,
    }


PAYMENT_SORT: dict[str, Any] = {
    "paymentId": Payment.id, "paymentDate": Payment.payment_date, "paymentAmount": Payment.amount,
    "organizationName": func.lower(Organization.name), "paymentType": Payment.type_id,
    "paymentMode": Payment.mode_id, "paymentStatus": Payment.status_id, "modifiedAt": Payment.modified_at,
}


def list_payments(session: Session, principal: Principal, status: str | None, payment_type: str | None,
                  search: str | None, page_no: int, limit: int, *, sort_by: str | None = None,
                  ow_ids: list[int] | None = None) -> dict[str, Any]:
    """Payments of the caller's organization (or of `ow_ids`, already checked visible), newest change first;
    `status`/`paymentType` are comma-separated ids."""
    order = parse_sort(sort_by, PAYMENT_SORT, "-modifiedAt")
    base = cast(Select[Any], select(Payment, Organization.name).join(
        Organization, Organization.ow_id == Payment.ow_id).where(
        in_ids(Payment.ow_id, ow_ids if ow_ids is not None else [principal.ow_id])))
    total = count(session, base)
    filtered_stmt = base
    for raw, column, field in ((status, Payment.status_id, "status"), (payment_type, Payment.type_id, "paymentType")):
        ids = parse_ids(raw, field)
        if ids:
            filtered_stmt = filtered_stmt.where(in_ids(column, ids))
    filtered_stmt = where_search(filtered_stmt, search, [Payment.created_by_email, Payment.bank_name,
                                                         Organization.name], Payment.id)
    offset, size = page_offset(page_no, limit)
    filtered = count(session, filtered_stmt)
    page = apply_sort(filtered_stmt, order, tiebreak=None).order_by(Payment.id.desc()).offset(offset).limit(size)
    rows = [payment_row(payment, name, principal) for payment, name in session.execute(page)]
    return {"data": rows, "totalRecords": total, "filteredRecords": filtered}


def customer_ow_ids(session: Session, principal: Principal, ow_id: int | None) -> list[int]:
    """The organizations a workspace admin's customer lists cover: one visible customer, or the whole workspace."""
    if not principal.is_workspace_admin:
        raise Forbidden("Only workspace admins can see their customers' payments.")
    if ow_id is not None:
        return [visible_organization(session, principal, ow_id).ow_id]
    return list(session.scalars(select(Organization.ow_id).where(
        Organization.workspace_id == principal.workspace_id)))


# --------------------------------------------------------------------------- decisions on a payment

PAYMENT_DECISIONS = {  # action → (new status, verb, answer)
    "approve": (STATUS_PAID, "approved", "Payment approved Successfully."),
    "reject": (STATUS_REJECTED, "rejected", "Payment rejected Successfully."),
    "cancel": (STATUS_CANCELLED, "cancelled", "Payment cancelled Successfully."),
}


def decide_payment(session: Session, principal: Principal, payment_id: int, ow_id: int | None, action: str,
                   note: str | None) -> str:
    """Approve (credits the ledger once), reject or cancel a processing cheque or wire payment.

    The workspace admin confirms receipt (approve) or refuses it (reject); the admin or the paying organization
    may cancel. A payment of an organization the caller cannot see, or not of `owId`, is a 404."""
    status, verb, answer = PAYMENT_DECISIONS[action]
    payment = session.scalar(select(Payment).where(Payment.id == payment_id).with_for_update())
    if payment is None or (ow_id is not None and payment.ow_id != ow_id):
        raise NotFound("Payment not found.", field="paymentId")
    try:
        visible_organization(session, principal, payment.ow_id)
    except NotFound:
        raise NotFound("Payment not found.", field="paymentId") from None
    if action != "cancel" and not principal.is_workspace_admin:
        raise Forbidden(f"Only workspace admins can {action} payments.")
    if payment.status_id != STATUS_PROCESSING:
        current = catalog.label(catalog.PAYMENT_STATUSES, payment.status_id)
        raise ValidationFailed(f"Only processing payments can be {verb}; this payment is {current}.",
                               field="paymentId")
    payment.status_id = status
    payment.action_note = (note or "").strip() or None
    payment.modified_by_email = principal.email
    payment.modified_at = utcnow()
    if status == STATUS_PAID:
        change_funds(session, payment.ow_id, Decimal(payment.amount), "payment", f"payment:{payment.id}")
    session.commit()
    return answer


# --------------------------------------------------------------------------- the workspace's margins

GROSS_MARGIN = 1
MARGIN_TYPES = {GROSS_MARGIN: "Gross Margin"}


def _margin_target(session: Session, principal: Principal, ow_id: int) -> Organization:
    if not principal.is_workspace_admin:
        raise Forbidden("Only workspace admins can see or change customer margins.")
    return visible_organization(session, principal, ow_id)


def view_margin(session: Session, principal: Principal, ow_id: int, margin_type_ids: str | None) -> dict[str, Any]:
    org = _margin_target(session, principal, ow_id)
    wanted = parse_ids(margin_type_ids, "marginTypeIds") or list(MARGIN_TYPES)
    rows = [{"marginTypeId": type_id, "marginType": MARGIN_TYPES[type_id], "marginValue": float(org.gross_margin or 0)}
            for type_id in wanted if type_id in MARGIN_TYPES]
    return {"totalRecords": len(MARGIN_TYPES), "data": rows, "filteredRecords": len(rows),
            "isBidShadingEnabled": False}


def edit_margin(session: Session, principal: Principal, ow_id: int, margin_type_id: int, value: Decimal) -> None:
    """Set the workspace's gross margin on an organization: its campaigns' `customerSpent` is then the platform's
    price grossed up by it (`io/campaigns/list`)."""
    org = _margin_target(session, principal, ow_id)
    if margin_type_id not in MARGIN_TYPES:
        raise ValidationFailed("Invalid marginTypeId (1: Gross Margin).", field="marginTypeId")
    org.gross_margin = value
    session.commit()
