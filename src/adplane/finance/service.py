"""The rules of finance: whose money a caller may see.

A caller sees its own organization's balance; a workspace admin also sees every customer organization of
its workspace (IQM's `isCustomerRequest`). Anything else is a 404, exactly like a missing organization,
so an id of another workspace reveals nothing.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from adplane.auth.models import Organization
from adplane.auth.organizations import change_funds
from adplane.core.clock import as_utc
from adplane.core.deps import Principal
from adplane.core.errors import NotFound, ValidationFailed
from adplane.core.listing import count, fetch_page, in_ids, page_offset, parse_ids, where_search
from adplane.finance import catalog
from adplane.finance.models import STATUS_PAID, STATUS_PROCESSING, TYPE_AS_FUND, Payment
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


def payment_row(payment: Payment, principal: Principal) -> dict[str, Any]:
    return {
        "isPaymentInitiatorOrg": payment.initiator_ow_id == principal.ow_id,
        "paymentId": payment.id,
        "createdByUserEmail": payment.created_by_email,
        "paymentDate": _millis(payment.payment_date),
        "paymentAmount": float(payment.amount),
        "paymentStatus": catalog.label(catalog.PAYMENT_STATUSES, payment.status_id),
        "paymentMode": catalog.label(catalog.PAYMENT_MODES, payment.mode_id),
        "paymentType": catalog.label(catalog.PAYMENT_TYPES, payment.type_id),
        "invoiceId": payment.invoice_id,
        "modifiedAt": _millis(payment.modified_at),
        "bankName": payment.bank_name,
        "refundReason": payment.refund_reason,
    }


def list_payments(session: Session, principal: Principal, status: str | None, payment_type: str | None,
                  search: str | None, page_no: int, limit: int) -> dict[str, Any]:
    """The caller's organization's payments, newest first; `status`/`paymentType` are comma-separated ids."""
    base = select(Payment).where(Payment.ow_id == principal.ow_id)
    total = count(session, base)
    filtered_stmt = base
    for raw, column, field in ((status, Payment.status_id, "status"), (payment_type, Payment.type_id, "paymentType")):
        ids = parse_ids(raw, field)
        if ids:
            filtered_stmt = filtered_stmt.where(in_ids(column, ids))
    filtered_stmt = where_search(filtered_stmt, search, [Payment.created_by_email, Payment.bank_name])
    offset, size = page_offset(page_no, limit)
    newest_first = [(Payment.payment_date, True), (Payment.id, True)]
    rows, filtered = fetch_page(session, filtered_stmt, newest_first, tiebreak=None, offset=offset, limit=size)
    return {"data": [payment_row(p, principal) for p in rows], "totalRecords": total, "filteredRecords": filtered}
