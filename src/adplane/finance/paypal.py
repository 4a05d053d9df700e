"""Adding funds with PayPal (IQM's POST /api/v3/fa/paypal/payment and its return/cancel callbacks).

POST begins a checkout with the payment provider and answers the link where the payer approves it. Nothing is
written then: the checkout's facts (organization, amount, payer's e-mail, the provider's checkout id) travel in
the signed, expiring `internalToken` of the return and cancel URLs (with adplane's own checkout id, the payment's
reference once recorded). The return URL (PayPal redirects the payer's
browser there, so no bearer token) records the payment as paid and credits the ledger in one commit; the cancel
URL records it as cancelled. One payment row per checkout (unique provider reference), so a return followed twice
credits once, and a cancelled checkout can no longer be completed.

With the sandbox provider (`finance.providers`, the only one shipped) no money moves and the approval link is
the return URL itself.
"""

from __future__ import annotations

import secrets
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from adplane.auth.models import Organization
from adplane.auth.organizations import change_funds
from adplane.core.clock import utcnow
from adplane.core.deps import Principal
from adplane.core.errors import ApiError, NotFound, ValidationFailed
from adplane.core.settings import Settings
from adplane.files import signing
from adplane.finance.models import STATUS_CANCELLED, STATUS_PAID, TYPE_AS_FUND, Payment
from adplane.finance.providers import MODE_PAYPAL, PaymentProvider

SALT = "adplane.finance.paypal"
CHECKOUT_TTL_SECONDS = 3 * 3600  # PayPal's checkout tokens live three hours
MAX_PAYMENT = Decimal("100000000")
PATH = "/api/v3/fa/paypal/payment"
COMPLETED = "Payment completed successfully."
CANCELLED = "Payment cancelled."


def amount_of(raw: Any) -> Decimal:
    """Dollars, positive, at most 2 decimals (IQM's sample sends an integer)."""
    if isinstance(raw, bool):
        raw = None
    try:
        amount = Decimal(str(raw).strip()) if raw is not None else Decimal("NaN")
    except InvalidOperation:
        amount = Decimal("NaN")
    if not amount.is_finite() or amount <= 0 or amount > MAX_PAYMENT or amount != amount.quantize(Decimal("0.01")):
        raise ValidationFailed("paymentAmount must be a positive amount in dollars with at most 2 decimals.",
                               field="paymentAmount")
    return amount


def begin(settings: Settings, principal: Principal, amount: Decimal, provider: PaymentProvider) -> str:
    """The link where the payer approves a checkout of `amount` for the caller's organization."""
    checkout_id = f"paypal-{secrets.token_hex(12)}"  # the payment's reference once recorded
    token = signing.sign(settings.resolved_secret_key, {"o": principal.ow_id, "a": str(amount),
                                                        "e": principal.email, "p": provider.name, "r": checkout_id},
                         CHECKOUT_TTL_SECONDS, salt=SALT)
    base = f"{settings.public_base_url}{PATH}/{token}"
    return provider.begin_checkout(principal.ow_id, amount, f"{base}/success", f"{base}/cancel").approval_url


def _checkout(settings: Settings, token: str) -> dict[str, Any]:
    try:
        payload = signing.verify(settings.resolved_secret_key, token, salt=SALT)
    except ApiError:
        raise NotFound("Checkout not found or expired.", field="internalToken") from None
    if not payload.get("r") or not isinstance(payload.get("o"), int):
        raise NotFound("Checkout not found or expired.", field="internalToken")
    return payload


def _existing(session: Session, provider: str, reference: str) -> Payment | None:
    return session.scalar(select(Payment).where(Payment.provider == provider, Payment.provider_reference == reference))


def _record(session: Session, checkout: dict[str, Any], status_id: int) -> Payment:
    """The checkout's payment row; a parallel request that recorded it first wins (unique reference)."""
    ow_id = checkout["o"]
    if session.get(Organization, ow_id) is None:
        raise NotFound("Checkout not found or expired.", field="internalToken")
    now = utcnow()
    payment = Payment(ow_id=ow_id, initiator_ow_id=ow_id, created_by_email=checkout["e"],
                      amount=Decimal(checkout["a"]), payment_date=date(now.year, now.month, now.day),
                      mode_id=MODE_PAYPAL, type_id=TYPE_AS_FUND, status_id=status_id, provider=checkout["p"],
                      provider_reference=checkout["r"], created_at=now, modified_at=now)
    session.add(payment)
    try:
        session.flush()
    except IntegrityError:
        session.rollback()
        existing = _existing(session, checkout["p"], checkout["r"])
        assert existing is not None
        return existing
    if status_id == STATUS_PAID:
        change_funds(session, ow_id, payment.amount, "payment", f"payment:{payment.id}")
    session.commit()
    return payment


def complete(session: Session, settings: Settings, token: str, payment_id: str | None) -> str:
    """The return URL: the payer approved; the payment is paid and the funds credited (once)."""
    checkout = _checkout(settings, token)
    if not (payment_id or "").strip():
        raise ValidationFailed("paymentId is required.", field="paymentId")
    payment = _existing(session, checkout["p"], checkout["r"]) or _record(session, checkout, STATUS_PAID)
    if payment.status_id != STATUS_PAID:
        raise ValidationFailed("This checkout was cancelled.", field="internalToken")
    return COMPLETED


def cancel(session: Session, settings: Settings, token: str) -> str:
    """The cancel URL: the payer gave up; the checkout is recorded as cancelled and cannot complete any more."""
    checkout = _checkout(settings, token)
    payment = _existing(session, checkout["p"], checkout["r"]) or _record(session, checkout, STATUS_CANCELLED)
    if payment.status_id != STATUS_CANCELLED:
        raise ValidationFailed("This checkout was already completed.", field="internalToken")
    return CANCELLED
