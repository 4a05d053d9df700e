"""Finance tables: payments (a payment credits the ledger once, when it is paid)."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import JSON, Date, ForeignKey, Integer, Numeric, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from adplane.auth.models import PAYMENT_TYPE_POSTPAID as AUTH_PAYMENT_TYPE_POSTPAID
from adplane.auth.models import PAYMENT_TYPE_PREPAID as AUTH_PAYMENT_TYPE_PREPAID
from adplane.core.clock import utcnow
from adplane.core.db import Base, UtcDateTime

STATUS_PROCESSING, STATUS_PAID, STATUS_REJECTED, STATUS_CANCELLED = 1, 2, 3, 4
TYPE_AS_FUND = 1


class Payment(Base):
    __tablename__ = "finance_payments"
    __table_args__ = (UniqueConstraint("provider", "provider_reference", name="uq_finance_payments_provider_ref"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    ow_id: Mapped[int] = mapped_column(ForeignKey("organizations.ow_id", ondelete="CASCADE"), index=True)
    initiator_ow_id: Mapped[int] = mapped_column(Integer)
    created_by_email: Mapped[str] = mapped_column(String(320))
    amount: Mapped[Decimal] = mapped_column(Numeric(16, 4))
    payment_date: Mapped[date] = mapped_column(Date)
    mode_id: Mapped[int] = mapped_column(Integer)
    type_id: Mapped[int] = mapped_column(Integer, default=TYPE_AS_FUND)
    status_id: Mapped[int] = mapped_column(Integer, default=STATUS_PROCESSING)
    bank_name: Mapped[str | None] = mapped_column(String(255))
    provider: Mapped[str] = mapped_column(String(40))
    provider_reference: Mapped[str] = mapped_column(String(100))
    invoice_id: Mapped[int] = mapped_column(Integer, default=0)
    refund_reason: Mapped[str | None] = mapped_column(String(1000))
    action_note: Mapped[str | None] = mapped_column(String(1000))  # why it was approved, rejected or cancelled
    modified_by_email: Mapped[str | None] = mapped_column(String(320))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    modified_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)


# Billing terms live on the organization (`Organization.payment_type_id`, set when a workspace invites a
# customer, or by `adplane admin billing`): prepaid organizations' campaigns pause when the balance runs out,
# postpaid ones (and those never given terms) run into a negative balance that invoices settle.
PAYMENT_TYPE_PREPAID, PAYMENT_TYPE_POSTPAID = AUTH_PAYMENT_TYPE_PREPAID, AUTH_PAYMENT_TYPE_POSTPAID


class SpendPosting(Base):
    """What the ledger has been charged for one campaign, UTC day and kind of spend; a posting pass charges
    the difference with the analytics store, so a pass run twice, or late events, never double a charge."""

    __tablename__ = "finance_spend_postings"
    __table_args__ = (UniqueConstraint("campaign_id", "day", "kind", name="uq_finance_spend_postings_key"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    ow_id: Mapped[int] = mapped_column(ForeignKey("organizations.ow_id", ondelete="CASCADE"), index=True)
    campaign_id: Mapped[int] = mapped_column(Integer)
    day: Mapped[date] = mapped_column(Date)
    kind: Mapped[str] = mapped_column(String(20))
    posted: Mapped[Decimal] = mapped_column(Numeric(18, 6), default=Decimal("0"))
    modified_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow, onupdate=utcnow)


class FundsPause(Base):
    """A campaign paused because its prepaid organization's balance ran out; it resumes when funds return
    (a campaign its owner paused is never in here, so it is never resumed by a top-up)."""

    __tablename__ = "finance_funds_pauses"

    campaign_id: Mapped[int] = mapped_column(ForeignKey("campaigns.id", ondelete="CASCADE"), primary_key=True)
    ow_id: Mapped[int] = mapped_column(ForeignKey("organizations.ow_id", ondelete="CASCADE"), index=True)
    paused_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)


CREDIT_UNCLAIMED, CREDIT_CLAIMED, CREDIT_REVOKED, CREDIT_EXPIRED = 1, 2, 3, 4


class Credit(Base):
    """Credit a workspace offers one of its organizations: the ledger gets it once, when it is claimed.
    An unclaimed credit past `expires_at` can no longer be claimed (status Expired)."""

    __tablename__ = "finance_credits"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    ow_id: Mapped[int] = mapped_column(ForeignKey("organizations.ow_id", ondelete="CASCADE"), index=True)
    offered_by_ow_id: Mapped[int] = mapped_column(Integer)
    offered_by_uow_id: Mapped[int] = mapped_column(Integer)
    offered_by_name: Mapped[str] = mapped_column(String(255))
    amount: Mapped[Decimal] = mapped_column(Numeric(18, 6))
    status_id: Mapped[int] = mapped_column(Integer, default=CREDIT_UNCLAIMED)
    expires_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    claim_details: Mapped[dict | None] = mapped_column(JSON)
    claimed_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    modified_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)


INVOICE_PENDING, INVOICE_PARTIALLY_PAID, INVOICE_UNPAID, INVOICE_PAID, INVOICE_OVERDUE = 1, 2, 3, 4, 5
INVOICE_PROCESSING, INVOICE_CANCELLED = 7, 8


class Invoice(Base):
    """One organization's charges for one calendar month (UTC), issued once the month is over."""

    __tablename__ = "finance_invoices"
    __table_args__ = (UniqueConstraint("ow_id", "period_start", name="uq_finance_invoices_month"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    ow_id: Mapped[int] = mapped_column(ForeignKey("organizations.ow_id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(255))
    period_start: Mapped[date] = mapped_column(Date)
    period_end: Mapped[date] = mapped_column(Date)  # the month's last day
    issued_at: Mapped[datetime] = mapped_column(UtcDateTime)
    amount: Mapped[Decimal] = mapped_column(Numeric(18, 6))
    paid_amount: Mapped[Decimal] = mapped_column(Numeric(18, 6), default=Decimal("0"))
    status_id: Mapped[int] = mapped_column(Integer)
    payment_term_days: Mapped[int] = mapped_column(Integer, default=30)
    action_note: Mapped[str | None] = mapped_column(String(1000))
    status_updated_by: Mapped[str | None] = mapped_column(String(320))
    modified_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)


class InvoiceLine(Base):
    """A line of an invoice: one campaign's charges of one kind (or the insight reports'), with the ledger entries
    it covers in `InvoicedEntry`, so an entry is invoiced once even when it is posted after its month closed."""

    __tablename__ = "finance_invoice_lines"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    invoice_id: Mapped[int] = mapped_column(ForeignKey("finance_invoices.id", ondelete="CASCADE"), index=True)
    campaign_id: Mapped[int | None] = mapped_column(Integer)
    kind: Mapped[str] = mapped_column(String(40))
    description: Mapped[str] = mapped_column(String(500))
    amount: Mapped[Decimal] = mapped_column(Numeric(18, 6))


class InvoicedEntry(Base):
    __tablename__ = "finance_invoiced_entries"

    ledger_entry_id: Mapped[int] = mapped_column(ForeignKey("funds_ledger.id", ondelete="CASCADE"), primary_key=True)
    invoice_id: Mapped[int] = mapped_column(ForeignKey("finance_invoices.id", ondelete="CASCADE"), index=True)
